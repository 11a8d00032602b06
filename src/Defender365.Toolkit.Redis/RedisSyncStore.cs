using Defender365.Toolkit.Sync;
using StackExchange.Redis;

namespace Defender365.Toolkit.Redis;

/// <summary>
/// Sync cursors in Redis, shared by every instance of the app: a tenant's collection is polled by one instance at a time.
/// The lease is <c>SET lease owner NX PX duration</c>; a save writes the cursor and extends the lease in one script, only
/// while the lease still holds this poll's owner value, so a poll that outlived its lease cannot overwrite the cursor of
/// the poll that took over.
/// </summary>
/// <remarks>
/// Keys: <c>{prefix}{tenant|collection}:cursor</c> (no expiry) and <c>…:lease</c> (expires). The braces keep both in one
/// cluster slot. Tenant ids are lower-cased, so two spellings of a tenant share one cursor. If Redis fails, the poll
/// fails with the Redis error and the next one goes on from the last saved page.
/// </remarks>
public sealed class RedisSyncStore : IDefenderSyncStore
{
    private const string SaveScript =
        "if redis.call('get', KEYS[1]) == ARGV[1] then redis.call('set', KEYS[2], ARGV[2]); redis.call('pexpire', KEYS[1], ARGV[3]); return 1 else return 0 end";

    private const string ReleaseScript = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

    private readonly Func<Task<IConnectionMultiplexer>> _connection;
    private readonly string _prefix;

    /// <summary>Keeps cursors in Redis.</summary>
    /// <param name="connection">The connection, or a task that makes it.</param>
    /// <param name="keyPrefix">Put before every key (default <c>defender365:sync:</c>); give each app its own.</param>
    public RedisSyncStore(Func<Task<IConnectionMultiplexer>> connection, string keyPrefix = "defender365:sync:")
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(keyPrefix);
        _connection = connection;
        _prefix = keyPrefix;
    }

    /// <summary>The key a cursor is kept under (its lease is beside it, ending in <c>:lease</c>).</summary>
    public string CursorKey(DefenderSyncKey key) => $"{_prefix}{{{key.TenantId.ToLowerInvariant()}|{key.Collection}}}:cursor";

    /// <inheritdoc/>
    public async ValueTask<IDefenderSyncSession?> TryOpenAsync(DefenderSyncKey key, TimeSpan leaseDuration, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key.TenantId);
        ArgumentException.ThrowIfNullOrWhiteSpace(key.Collection);
        ArgumentOutOfRangeException.ThrowIfLessThan(leaseDuration, TimeSpan.FromMilliseconds(1));
        cancellationToken.ThrowIfCancellationRequested();
        var database = (await _connection().ConfigureAwait(false)).GetDatabase();
        var cursorKey = new RedisKey(CursorKey(key));
        var leaseKey = new RedisKey(CursorKey(key)[..^":cursor".Length] + ":lease");
        var owner = Guid.NewGuid().ToString("N");
        if (!await database.StringSetAsync(leaseKey, owner, leaseDuration, When.NotExists).ConfigureAwait(false))
        {
            return null;
        }

        try
        {
            var cursor = await database.StringGetAsync(cursorKey).ConfigureAwait(false);
            return new Session(database, key, cursorKey, leaseKey, owner, leaseDuration, cursor.IsNull ? null : cursor.ToString());
        }
        catch
        {
            await database.ScriptEvaluateAsync(ReleaseScript, [leaseKey], [owner]).ConfigureAwait(false);
            throw;
        }
    }

    private sealed class Session(IDatabase database, DefenderSyncKey key, RedisKey cursorKey, RedisKey leaseKey, string owner, TimeSpan leaseDuration, string? cursor) : IDefenderSyncSession
    {
        public string? Cursor { get; private set; } = cursor;

        public async ValueTask SaveAsync(string cursor, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(cursor);
            cancellationToken.ThrowIfCancellationRequested();
            var saved = await database.ScriptEvaluateAsync(SaveScript, [leaseKey, cursorKey], [owner, cursor, (long)leaseDuration.TotalMilliseconds]).ConfigureAwait(false);
            if ((long)saved != 1)
            {
                throw new DefenderSyncLeaseLostException(key);
            }

            Cursor = cursor;
        }

        public async ValueTask DisposeAsync() =>
            await database.ScriptEvaluateAsync(ReleaseScript, [leaseKey], [owner]).ConfigureAwait(false);
    }
}
