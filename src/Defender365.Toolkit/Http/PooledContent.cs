using System.Buffers;
using Azure;

namespace Defender365.Toolkit.Http;

/// <summary>
/// A response body read into a pooled buffer sized from Content-Length. List pages are read this way instead of through
/// Azure.Core's response buffering, whose growing MemoryStream allocated about twice each page (half of all the bytes a
/// 10,000-incident listing allocated).
/// </summary>
internal sealed class PooledContent : IDisposable
{
    private byte[] _buffer;
    private int _length;

    private PooledContent(byte[] buffer, int length)
    {
        _buffer = buffer;
        _length = length;
    }

    public ReadOnlySpan<byte> Span => _buffer.AsSpan(0, _length);

    public static async Task<PooledContent> ReadAsync(Response response, CancellationToken cancellationToken)
    {
        var stream = response.ContentStream;
        var expected = response.Headers.ContentLength is int length and > 0 and < int.MaxValue - 1 ? length + 1 : 64 * 1024;
        var buffer = ArrayPool<byte>.Shared.Rent(expected);
        var read = 0;
        if (stream is not null)
        {
            while (true)
            {
                if (read == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, read).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var count = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken).ConfigureAwait(false);
                if (count == 0)
                {
                    break;
                }

                read += count;
            }
        }

        return new PooledContent(buffer, read);
    }

    /// <summary>Makes an unbuffered error response readable through <see cref="Response.Content"/> (error bodies are small).</summary>
    public static async ValueTask BufferAsync(Response response, bool async, CancellationToken cancellationToken)
    {
        if (response.ContentStream is { } stream and not MemoryStream)
        {
            var copy = new MemoryStream();
            if (async)
            {
                await stream.CopyToAsync(copy, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                stream.CopyTo(copy);
            }

            copy.Position = 0;
            response.ContentStream = copy;
            await stream.DisposeAsync().ConfigureAwait(false);
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
