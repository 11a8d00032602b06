using System.Buffers;
using Azure.Core;

namespace Defender365.Toolkit.Http;

/// <summary>
/// A response body read into a pooled buffer. List pages are read this way instead of through Azure.Core's response
/// buffering, whose growing MemoryStream allocated about twice each page (half of all the bytes a 10,000-incident
/// listing allocated). The body is read inside the attempt (by <see cref="DefenderRetryPolicy"/>), so a connection that
/// drops mid-body is retried like any transport failure.
/// </summary>
/// <remarks>
/// <c>Content-Length</c> is a hint, never trusted: the first buffer is at most <see cref="MaxInitialBuffer"/> and grows
/// with the bytes that actually arrive, up to a cap (<see cref="ResponseTooLargeException"/> beyond it).
/// </remarks>
internal sealed class PooledContent : IDisposable
{
    /// <summary>The largest first buffer a declared length may ask for; a page larger than this grows by doubling.</summary>
    internal const int MaxInitialBuffer = 128 * 1024;

    /// <summary>An error body is read up to this size; the rest is dropped (error bodies are a few hundred bytes).</summary>
    internal const int ErrorBodyLimit = 256 * 1024;

    private byte[] _buffer;
    private int _length;

    private PooledContent(byte[] buffer, int length)
    {
        _buffer = buffer;
        _length = length;
    }

    public ReadOnlySpan<byte> Span => _buffer.AsSpan(0, _length);

    /// <summary>The size of the buffer held (for tests of the sizing rule).</summary>
    internal int Capacity => _buffer.Length;

    /// <summary>Asks the retry policy to read the successful response body of <paramref name="message"/> into a pooled buffer.</summary>
    public static void Request(HttpMessage message, int maxBytes)
    {
        message.BufferResponse = false;
        message.SetProperty(typeof(Slot), new Slot(maxBytes));
    }

    /// <summary>Reads the body of the current attempt if <see cref="Request"/> asked for it (an earlier attempt's body is released).</summary>
    public static async ValueTask ReadRequestedAsync(HttpMessage message, bool async)
    {
        if (!message.TryGetProperty(typeof(Slot), out var value) || value is not Slot slot)
        {
            return;
        }

        slot.Release();
        var response = message.Response;
        slot.Content = await ReadAsync(response.ContentStream, response.Headers.ContentLength, slot.MaxBytes, message.CancellationToken, async).ConfigureAwait(false);
    }

    /// <summary>The body read by <see cref="ReadRequestedAsync"/>, handed over to the caller (who disposes it).</summary>
    public static PooledContent? Take(HttpMessage message)
    {
        if (message.TryGetProperty(typeof(Slot), out var value) && value is Slot { Content: { } content } slot)
        {
            slot.Content = null;
            return content;
        }

        return null;
    }

    /// <summary>Reads <paramref name="stream"/> to its end into a pooled buffer.</summary>
    /// <param name="stream">The body; <see langword="null"/> is an empty body.</param>
    /// <param name="declaredLength">The <c>Content-Length</c> the server sent: only a hint for the first buffer.</param>
    /// <param name="maxBytes">The most bytes accepted.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <param name="async">Whether to read asynchronously.</param>
    /// <exception cref="ResponseTooLargeException">More than <paramref name="maxBytes"/> arrived.</exception>
    public static async ValueTask<PooledContent> ReadAsync(Stream? stream, long? declaredLength, int maxBytes, CancellationToken cancellationToken, bool async = true)
    {
        // One byte over the cap is read to tell "exactly the cap" from "too large".
        var limit = (int)Math.Min((long)maxBytes + 1, Array.MaxLength);
        var first = declaredLength is > 0 ? (int)Math.Min(declaredLength.Value + 1, Math.Min(MaxInitialBuffer, limit)) : Math.Min(16 * 1024, limit);
        var buffer = ArrayPool<byte>.Shared.Rent(first);
        var read = 0;
        try
        {
            while (stream is not null)
            {
                var room = Math.Min(buffer.Length, limit) - read;
                if (room == 0)
                {
                    if (read >= limit)
                    {
                        throw new ResponseTooLargeException(maxBytes);
                    }

                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, limit));
                    buffer.AsSpan(0, read).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                    continue;
                }

                var count = async
                    ? await stream.ReadAsync(buffer.AsMemory(read, room), cancellationToken).ConfigureAwait(false)
                    : stream.Read(buffer, read, room);
                if (count == 0)
                {
                    break;
                }

                read += count;
            }

            if (read > maxBytes)
            {
                throw new ResponseTooLargeException(maxBytes);
            }

            return new PooledContent(buffer, read);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    /// <summary>
    /// Makes an unbuffered error response readable through <see cref="Azure.Response.Content"/>: at most
    /// <see cref="ErrorBodyLimit"/> bytes are kept (a 20 MB error page becomes its first 256 KB).
    /// </summary>
    public static async ValueTask BufferErrorAsync(Azure.Response response, bool async, CancellationToken cancellationToken)
    {
        if (response.ContentStream is not { } stream || stream is MemoryStream)
        {
            return;
        }

        var copy = new MemoryStream();
        var chunk = new byte[16 * 1024];
        while (copy.Length < ErrorBodyLimit)
        {
            var count = async
                ? await stream.ReadAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, ErrorBodyLimit - copy.Length)), cancellationToken).ConfigureAwait(false)
                : stream.Read(chunk, 0, (int)Math.Min(chunk.Length, ErrorBodyLimit - copy.Length));
            if (count == 0)
            {
                break;
            }

            copy.Write(chunk, 0, count);
        }

        copy.Position = 0;
        response.ContentStream = copy;
        if (async)
        {
            await stream.DisposeAsync().ConfigureAwait(false);
        }
        else
        {
            stream.Dispose();
        }
    }

    /// <summary>On a message whose body is to be pooled: the cap, and the body once read.</summary>
    private sealed class Slot(int maxBytes)
    {
        public int MaxBytes { get; } = maxBytes;

        public PooledContent? Content { get; set; }

        public void Release()
        {
            Content?.Dispose();
            Content = null;
        }
    }

    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, []);
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        _length = 0;
    }
}

/// <summary>A response body was larger than the configured cap; not retried (the same request would get the same body).</summary>
internal sealed class ResponseTooLargeException(int limit)
    : Exception($"The response body is larger than {limit:N0} bytes.")
{
    public int Limit { get; } = limit;
}
