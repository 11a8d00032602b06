using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Defender365.Toolkit.Http;

/// <summary>
/// A <c>multipart/form-data</c> body, for the operations that upload a file (the live response library's
/// <c>UploadLibraryFile</c>): text fields and files, as the service documents them. The whole body is held in memory,
/// which the services' small upload caps allow, so a retried request sends the same bytes.
/// </summary>
/// <example>
/// <code>
/// var form = new DefenderMultipartForm();
/// await form.AddFileAsync("File", "collect.ps1", stream, maxBytes: 20 * 1024 * 1024, cancellationToken);
/// form.Add("Description", "Collects logs");
/// form.ApplyTo(arguments);
/// </code>
/// </example>
public sealed class DefenderMultipartForm
{
    private readonly MemoryStream _body = new();
    private bool _closed;
    private readonly string _boundary = "defender365-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(12)).ToLowerInvariant();

    /// <summary>The value of the request's <c>Content-Type</c> header, with the boundary.</summary>
    public string ContentType => "multipart/form-data; boundary=" + _boundary;

    /// <summary>Adds a text field; a <see langword="null"/> value is left out, as the service treats a missing field as not given.</summary>
    /// <param name="name">The field's name as the API spells it.</param>
    /// <param name="value">Its value.</param>
    /// <exception cref="ArgumentException">The name holds a quote or a line break (it would change the part's headers).</exception>
    public void Add(string name, string? value)
    {
        CheckHeaderValue(name, nameof(name));
        if (value is not null)
        {
            WriteHeaders($"Content-Disposition: form-data; name=\"{name}\"");
            WriteText(value);
            WriteText("\r\n");
        }
    }

    /// <summary>Adds a boolean field as <c>true</c> or <c>false</c>; <see langword="null"/> is left out.</summary>
    /// <param name="name">The field's name as the API spells it.</param>
    /// <param name="value">Its value.</param>
    public void Add(string name, bool? value) => Add(name, value switch { true => "true", false => "false", null => null });

    /// <summary>Adds a number field in invariant culture; <see langword="null"/> is left out.</summary>
    /// <param name="name">The field's name as the API spells it.</param>
    /// <param name="value">Its value.</param>
    public void Add(string name, long? value) => Add(name, value?.ToString(CultureInfo.InvariantCulture));

    /// <summary>Adds a file, read from <paramref name="content"/> to its end (the stream is not disposed).</summary>
    /// <param name="name">The field's name as the API spells it (<c>File</c>).</param>
    /// <param name="fileName">The name the service stores it under; only its last path segment is sent.</param>
    /// <param name="content">The file's bytes.</param>
    /// <param name="maxBytes">The most the service accepts, or <see langword="null"/>: a larger file fails here, before anything is sent.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="ArgumentException">The file name is empty or holds a quote or line break, or the file is larger than <paramref name="maxBytes"/>.</exception>
    public async Task AddFileAsync(string name, string fileName, Stream content, long? maxBytes, CancellationToken cancellationToken = default)
    {
        CheckHeaderValue(name, nameof(name));
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(fileName);
        if (fileName.AsSpan().IndexOfAny("\"\r\n") >= 0)
        {
            throw new ArgumentException("A file name cannot hold a quote or a line break.", nameof(fileName));
        }

        var leaf = Path.GetFileName(fileName);
        if (string.IsNullOrWhiteSpace(leaf))
        {
            throw new ArgumentException("A file name is required.", nameof(fileName));
        }

        WriteHeaders($"Content-Disposition: form-data; name=\"{name}\"; filename=\"{leaf}\"", "Content-Type: application/octet-stream");

        // Copy at most maxBytes + 1: one byte more proves the file too large without reading all of it.
        var buffer = new byte[81920];
        long copied = 0;
        while (true)
        {
            var want = maxBytes is { } max ? (int)Math.Min(buffer.Length, max - copied + 1) : buffer.Length;
            var read = await content.ReadAsync(buffer.AsMemory(0, want), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            copied += read;
            if (copied > maxBytes)
            {
                throw new ArgumentException($"'{leaf}' is larger than the {Megabytes(maxBytes.Value)} the service accepts.", nameof(content));
            }

            _body.Write(buffer, 0, read);
        }

        WriteText("\r\n");
    }

    /// <summary>The body: every part, then the closing boundary. After this the form takes no more parts.</summary>
    public BinaryData ToBinaryData()
    {
        if (!_closed)
        {
            WriteText($"--{_boundary}--\r\n");
            _closed = true;
        }

        // The buffer itself, not a copy: a 20 MB upload holds 20 MB, not 40.
        return new BinaryData(_body.GetBuffer().AsMemory(0, (int)_body.Length));
    }

    /// <summary>Makes this form the body of <paramref name="arguments"/>, with its content type.</summary>
    /// <param name="arguments">The call's arguments.</param>
    public void ApplyTo(DefenderRequestArguments arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        arguments.Body = ToBinaryData();
        arguments.ContentType = ContentType;
    }

    private void WriteHeaders(params string[] headers)
    {
        if (_closed)
        {
            throw new InvalidOperationException("The form was closed by ToBinaryData or ApplyTo; create another for another body.");
        }

        WriteText($"--{_boundary}\r\n");
        foreach (var header in headers)
        {
            WriteText(header + "\r\n");
        }

        WriteText("\r\n");
    }

    private void WriteText(string text) => _body.Write(Encoding.UTF8.GetBytes(text));

    private static void CheckHeaderValue(string value, string parameter)
    {
        ArgumentException.ThrowIfNullOrEmpty(value, parameter);
        if (value.AsSpan().IndexOfAny("\"\r\n") >= 0)
        {
            throw new ArgumentException("A form field or file name cannot hold a quote or a line break.", parameter);
        }
    }

    private static string Megabytes(long bytes) =>
        bytes % (1024 * 1024) == 0 ? $"{bytes / (1024 * 1024)} MB" : $"{bytes:N0} bytes";
}
