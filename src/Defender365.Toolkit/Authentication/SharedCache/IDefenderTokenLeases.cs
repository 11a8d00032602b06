namespace Defender365.Toolkit.Authentication.SharedCache;

/// <summary>
/// Short leases shared by every instance of an app, so that one of them asks the token service for a tenant's token
/// while the others wait for it in the shared cache. <c>Defender365.Toolkit.Redis</c> provides one on Redis.
/// </summary>
public interface IDefenderTokenLeases
{
    /// <summary>
    /// Takes the lease <paramref name="name"/> for at most <paramref name="duration"/> if no one holds it. Disposing the
    /// returned lease gives it back early; a lease never given back lapses after <paramref name="duration"/>, so an instance
    /// that stops while holding one delays the others by that much at most.
    /// </summary>
    /// <param name="name">The lease name (the shared cache entry's key).</param>
    /// <param name="duration">How long the lease lasts if it is not given back.</param>
    /// <param name="cancellationToken">Stops the attempt.</param>
    /// <returns>The lease, or <see langword="null"/> when another instance holds it.</returns>
    ValueTask<IAsyncDisposable?> TryAcquireAsync(string name, TimeSpan duration, CancellationToken cancellationToken);
}
