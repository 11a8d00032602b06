using System.Security.Cryptography;
using System.Text;

namespace Defender365.Toolkit.Sync;

/// <summary>
/// Keeps sync cursors as files in a folder: <c>{tenant}/{collection}.cursor.json</c>. The lease is an exclusive lock on a
/// <c>.lock</c> file beside it, so two processes on one machine never poll the same tenant and collection at once, and
/// a process that dies releases it with no wait.
/// </summary>
/// <remarks>
/// A save writes a temporary file, flushes it to the disk and renames it over the cursor: a crash leaves the old cursor
/// or the new one, never half of one. The folder holds cursors only (no credentials); names that are not plain tenant
/// ids or domains are hashed into file names, so no tenant id can reach outside the folder.
/// </remarks>
public sealed class DefenderSyncFileStore : IDefenderSyncStore
{
    /// <summary>Keeps cursors in a folder, creating it when needed.</summary>
    /// <param name="directory">The folder; relative paths are resolved against the current directory.</param>
    /// <exception cref="ArgumentException"><paramref name="directory"/> is empty.</exception>
    public DefenderSyncFileStore(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory = Path.GetFullPath(directory);
    }

    /// <summary>The folder the cursors are in.</summary>
    public string Directory { get; }

    /// <summary>The file a key's cursor is kept in.</summary>
    public string CursorPath(DefenderSyncKey key) => Path.Combine(Directory, FileName(key.TenantId), FileName(key.Collection) + ".cursor.json");

    /// <inheritdoc/>
    /// <remarks>The lease is held until the session is disposed, or its process ends; <paramref name="leaseDuration"/> does not apply.</remarks>
    public async ValueTask<IDefenderSyncSession?> TryOpenAsync(DefenderSyncKey key, TimeSpan leaseDuration, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key.TenantId);
        ArgumentException.ThrowIfNullOrWhiteSpace(key.Collection);
        var cursorPath = CursorPath(key);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(cursorPath)!);
        FileStream lease;
        try
        {
            // FileShare.None takes an exclusive lock (flock on Unix, a sharing mode on Windows): a second opener fails.
            lease = new FileStream(Path.ChangeExtension(cursorPath, ".lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 1, FileOptions.None);
        }
        catch (IOException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }

        try
        {
            var cursor = File.Exists(cursorPath) ? await File.ReadAllTextAsync(cursorPath, Encoding.UTF8, cancellationToken).ConfigureAwait(false) : null;
            return new Session(lease, cursorPath, cursor);
        }
        catch
        {
            await lease.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    // Device names Windows reserves in any folder, with any extension: a tenant or collection named so is hashed too.
    private static readonly HashSet<string> ReservedOnWindows = new(StringComparer.Ordinal)
    {
        "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8", "com9",
        "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
    };

    /// <summary>A tenant id or domain as it is (lower case); anything else as a hash, so no name can leave the folder.</summary>
    internal static string FileName(string name)
    {
        var lower = name.ToLowerInvariant();
        var plain = lower.Length is > 0 and <= 100 && char.IsAsciiLetterOrDigit(lower[0])
            && lower.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_')
            && !lower.EndsWith('.')
            && !ReservedOnWindows.Contains(lower.Split('.')[0]);
        return plain ? lower : "x-" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(name)).AsSpan(0, 16)).ToLowerInvariant();
    }

    private sealed class Session(FileStream lease, string path, string? cursor) : IDefenderSyncSession
    {
        public string? Cursor { get; private set; } = cursor;

        public async ValueTask SaveAsync(string cursor, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(cursor);
            ObjectDisposedException.ThrowIf(!lease.CanRead, this);
            var temporary = path + ".tmp";
            var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 4096, FileOptions.Asynchronous);
            await using (stream.ConfigureAwait(false))
            {
                await stream.WriteAsync(Encoding.UTF8.GetBytes(cursor), cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
            Cursor = cursor;
        }

        public ValueTask DisposeAsync() => lease.DisposeAsync();
    }
}
