namespace Defender365.Toolkit.Sync;

/// <summary>
/// Where sync cursors are kept between polls, one per (tenant, collection), and who may poll: a poll opens a session,
/// which holds the key's lease, reads the cursor and saves it after each page.
/// </summary>
/// <remarks>
/// Implementations: <see cref="DefenderSyncFileStore"/> (a folder; the lease is a file lock, so it spans the processes
/// of one machine) and the Redis store of <c>Defender365.Toolkit.Redis</c> (shared by instances; the lease expires).
/// </remarks>
public interface IDefenderSyncStore
{
    /// <summary>Takes the key's lease and reads its cursor; <see langword="null"/> when another poll holds the lease.</summary>
    /// <param name="key">The tenant and collection.</param>
    /// <param name="leaseDuration">How long the lease lasts without a save, where the store's leases expire.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    ValueTask<IDefenderSyncSession?> TryOpenAsync(DefenderSyncKey key, TimeSpan leaseDuration, CancellationToken cancellationToken = default);
}

/// <summary>One poll's hold on a cursor. Disposing it releases the lease.</summary>
public interface IDefenderSyncSession : IAsyncDisposable
{
    /// <summary>The cursor as it was saved last, or <see langword="null"/> when the key was never synced.</summary>
    string? Cursor { get; }

    /// <summary>Saves the cursor (durably, before it returns) and extends the lease.</summary>
    /// <exception cref="DefenderSyncLeaseLostException">The lease expired and another poll took it; nothing was saved.</exception>
    ValueTask SaveAsync(string cursor, CancellationToken cancellationToken = default);
}
