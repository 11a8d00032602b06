using Defender365.Toolkit.Authentication.SharedCache;
using StackExchange.Redis;

namespace Defender365.Toolkit.Redis;

/// <summary>
/// Token leases on Redis: <c>SET key owner NX PX duration</c> takes one; it is given back with a script that deletes the
/// key only while it still holds this owner's value, so a holder that outlived its lease never frees another's.
/// </summary>
/// <remarks>
/// A holder that outlives its lease may still write its token after another instance wrote one: both are valid tokens
/// of the same app and tenant, so the later write is harmless and no fencing token is needed for the entry itself.
/// </remarks>
public sealed class RedisTokenLeases : IDefenderTokenLeases
{
    private const string ReleaseScript = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

    private readonly Func<Task<IConnectionMultiplexer>> _connection;

    /// <summary>Creates leases over a Redis connection.</summary>
    /// <param name="connection">The connection (or a task that makes it, so nothing waits for Redis at start).</param>
    public RedisTokenLeases(Func<Task<IConnectionMultiplexer>> connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _connection = connection;
    }

    /// <inheritdoc/>
    public async ValueTask<IAsyncDisposable?> TryAcquireAsync(string name, TimeSpan duration, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        cancellationToken.ThrowIfCancellationRequested();
        var database = (await _connection().ConfigureAwait(false)).GetDatabase();
        var key = new RedisKey(name + ":lease");
        var owner = Guid.NewGuid().ToString("N");
        return await database.StringSetAsync(key, owner, duration, When.NotExists).ConfigureAwait(false) ? new Lease(database, key, owner) : null;
    }

    private sealed class Lease(IDatabase database, RedisKey key, string owner) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() =>
            await database.ScriptEvaluateAsync(ReleaseScript, [key], [owner]).ConfigureAwait(false);
    }
}
