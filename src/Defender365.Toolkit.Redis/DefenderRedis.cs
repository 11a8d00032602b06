using Defender365.Toolkit.Authentication.SharedCache;
using Defender365.Toolkit.Quotas;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Defender365.Toolkit.Redis;

/// <summary>Builds the toolkit's Redis parts without dependency injection (<c>AddDefenderRedis</c> does the same for a host).</summary>
public static class DefenderRedis
{
    /// <summary>
    /// Connects to Redis the way the shared cache needs: never failing at start when Redis is down (it reconnects in the
    /// background), and failing a command at once while disconnected instead of queueing it, so the credential falls back
    /// without waiting.
    /// </summary>
    /// <param name="configuration">The StackExchange.Redis configuration string.</param>
    /// <returns>A task that completes when the connection object exists (connected or not).</returns>
    public static async Task<IConnectionMultiplexer> ConnectAsync(string configuration)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(configuration);
        var options = ConfigurationOptions.Parse(configuration);
        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        options.ConnectTimeout = Math.Min(options.ConnectTimeout, 2000);
        // Back soon after a restart (the credential tries Redis again after its retry interval), never faster than 250 ms.
        options.ReconnectRetryPolicy = new ExponentialRetry(250, 5000);
        return await ConnectionMultiplexer.ConnectAsync(options).ConfigureAwait(false);
    }

    /// <summary>A token cache shared through Redis: entries in Microsoft's Redis cache, leases on the same connection.</summary>
    /// <param name="connection">The Redis connection, or a task that makes it (started once, shared).</param>
    /// <param name="encryptionKey">32 random bytes, the same in every instance.</param>
    /// <param name="options">Timeouts and lease timing.</param>
    /// <param name="loggerFactory">Where failures and recoveries of the shared cache are logged.</param>
    /// <param name="timeProvider">The clock.</param>
    public static DefenderSharedTokenCache CreateSharedTokenCache(Func<Task<IConnectionMultiplexer>> connection, ReadOnlySpan<byte> encryptionKey, DefenderSharedTokenCacheOptions? options = null, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(connection);

        // Connecting starts now, not on the first token request: a process that starts takes its first tokens from
        // Redis rather than timing out on the connection and asking the token service.
        _ = connection().ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        var cache = new RedisCache(new RedisCacheOptions { ConnectionMultiplexerFactory = connection });
        return new DefenderSharedTokenCache(cache, encryptionKey, new RedisTokenLeases(connection), options, loggerFactory, timeProvider);
    }

    /// <summary>Sync cursors shared by every instance through Redis, with a lease per tenant and collection.</summary>
    /// <param name="connection">The Redis connection, or a task that makes it (started once, shared).</param>
    /// <param name="keyPrefix">Put before every key; give each app (and each consumer of the same data) its own.</param>
    public static RedisSyncStore CreateSyncStore(Func<Task<IConnectionMultiplexer>> connection, string keyPrefix = "defender365:sync:") =>
        new(connection, keyPrefix);

    /// <summary>A quota governor that counts in Redis for every instance of the app, and in-process while Redis fails.</summary>
    /// <param name="connection">The Redis connection, or a task that makes it (started once, shared).</param>
    /// <param name="options">Waits, pauses and the shared store's timeout.</param>
    /// <param name="loggerFactory">Where waits, refusals and Redis failures are logged.</param>
    /// <param name="timeProvider">The clock of the waits (the windows are counted on Redis's clock).</param>
    public static DefenderQuotaLimiter CreateQuotaLimiter(Func<Task<IConnectionMultiplexer>> connection, DefenderQuotaOptions? options = null, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return new DefenderQuotaLimiter(options, new RedisQuotaStore(connection), loggerFactory, timeProvider);
    }
}
