using System.Globalization;
using Defender365.Toolkit.Quotas;
using StackExchange.Redis;

namespace Defender365.Toolkit.Redis;

/// <summary>
/// The quota governor's counts in Redis, shared by every instance of the app: one hash per tenant and quota holds each
/// window's slots and the pause a 429 set, a sorted set holds the requests in flight. Every step is one script, so it is
/// atomic, and reads Redis's clock, so instances with clocks apart still count the same windows.
/// </summary>
/// <remarks>
/// <para>Keys: <c>defender365:quota:{tenant:family}</c> and <c>…:inflight</c>, with the braces as a hash tag so both
/// keys of a quota sit on one node of a cluster. Tenant ids and quota names are not secrets; no token or call data is
/// stored. Keys expire when their longest window has passed.</para>
/// <para>A request slot (Secure Score allows 4 at once) lapses after <see cref="InFlightTimeout"/> if its instance stops
/// before it gives it back.</para>
/// </remarks>
public sealed class RedisQuotaStore : IDefenderQuotaStore
{
    /// <summary>The prefix of every key the store writes.</summary>
    public const string KeyPrefix = "defender365:quota:";

    // ARGV: count, request id, in-flight timeout (ms), max in flight (0: none), then per window its limit and slot (ms).
    private const string TakeScript = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local count = tonumber(ARGV[1])
        local needed = math.max(count, 1)
        local windows = (#ARGV - 4) / 2
        local wait = 0
        local paused = tonumber(redis.call('HGET', KEYS[1], 'p') or '0')
        if paused > now then wait = paused - now end
        local slots = {}
        for i = 1, windows do slots[i] = {} end
        local fields = redis.call('HGETALL', KEYS[1])
        for f = 1, #fields, 2 do
          local w, s = string.match(fields[f], '^(%d+):(%d+)$')
          if w then
            w = tonumber(w); s = tonumber(s)
            local slotMs = tonumber(ARGV[4 + 2 * w])
            if slotMs == nil or s < math.floor(now / slotMs) - 60 then
              redis.call('HDEL', KEYS[1], fields[f])
            else
              table.insert(slots[w], {s, tonumber(fields[f + 1])})
            end
          end
        end
        local longest = 0
        for w = 1, windows do
          local limit = tonumber(ARGV[3 + 2 * w])
          local slotMs = tonumber(ARGV[4 + 2 * w])
          longest = math.max(longest, slotMs * 61)
          local used = 0
          for _, e in ipairs(slots[w]) do used = used + e[2] end
          if used + needed > limit then
            table.sort(slots[w], function(a, b) return a[1] < b[1] end)
            local room = slotMs * 60
            for _, e in ipairs(slots[w]) do
              used = used - e[2]
              if used + needed <= limit then room = (e[1] + 61) * slotMs - now; break end
            end
            wait = math.max(wait, room)
          end
        end
        if wait > 0 then return {0, wait} end
        if count == 0 then return {1, 0} end
        local maxInFlight = tonumber(ARGV[4])
        if maxInFlight > 0 then
          redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
          if redis.call('ZCARD', KEYS[2]) >= maxInFlight then return {0, 0} end
          redis.call('ZADD', KEYS[2], now + tonumber(ARGV[3]), ARGV[2])
          redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[3]))
        end
        for w = 1, windows do
          local slotMs = tonumber(ARGV[4 + 2 * w])
          redis.call('HINCRBY', KEYS[1], w .. ':' .. math.floor(now / slotMs), count)
        end
        redis.call('PEXPIRE', KEYS[1], math.max(longest, paused - now, 1000))
        return {1, 0}
        """;

    // ARGV: the pause (ms). A longer pause already set stays.
    private const string PauseScript = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local untilMs = now + tonumber(ARGV[1])
        local paused = tonumber(redis.call('HGET', KEYS[1], 'p') or '0')
        if untilMs > paused then
          redis.call('HSET', KEYS[1], 'p', untilMs)
          if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]) + 1000) end
        end
        return 1
        """;

    private readonly Func<Task<IConnectionMultiplexer>> _connection;

    /// <summary>Creates the store over a Redis connection.</summary>
    /// <param name="connection">The connection (or a task that makes it, so nothing waits for Redis at start).</param>
    public RedisQuotaStore(Func<Task<IConnectionMultiplexer>> connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _connection = connection;
    }

    /// <summary>How long a request slot stays taken if its instance never gives it back. Default: 5 minutes.</summary>
    public TimeSpan InFlightTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <inheritdoc/>
    public async ValueTask<DefenderQuotaDecision> TryTakeAsync(string key, DefenderQuota quota, int count, string requestId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(quota);
        cancellationToken.ThrowIfCancellationRequested();
        var values = new RedisValue[4 + (2 * quota.Windows.Count)];
        values[0] = count;
        values[1] = requestId;
        values[2] = (long)InFlightTimeout.TotalMilliseconds;
        values[3] = quota.MaxConcurrentRequests ?? 0;
        for (var i = 0; i < quota.Windows.Count; i++)
        {
            values[4 + (2 * i)] = quota.Windows[i].Limit;
            values[5 + (2 * i)] = Math.Max(1, (long)quota.Windows[i].SlotLength.TotalMilliseconds);
        }

        var database = (await _connection().ConfigureAwait(false)).GetDatabase();
        var result = (RedisResult[])(await database.ScriptEvaluateAsync(TakeScript, [CountsKey(key), InFlightKey(key)], values).ConfigureAwait(false))!;
        return (int)result[0] == 1
            ? DefenderQuotaDecision.Grant
            : new DefenderQuotaDecision(false, TimeSpan.FromMilliseconds((long)result[1]));
    }

    /// <inheritdoc/>
    public async ValueTask ReleaseAsync(string key, string requestId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        cancellationToken.ThrowIfCancellationRequested();
        var database = (await _connection().ConfigureAwait(false)).GetDatabase();
        await database.SortedSetRemoveAsync(InFlightKey(key), requestId).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask PauseAsync(string key, TimeSpan duration, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        cancellationToken.ThrowIfCancellationRequested();
        var milliseconds = (long)Math.Ceiling(Math.Min(duration.TotalMilliseconds, TimeSpan.FromDays(1).TotalMilliseconds));
        if (milliseconds <= 0)
        {
            return;
        }

        var database = (await _connection().ConfigureAwait(false)).GetDatabase();
        await database.ScriptEvaluateAsync(PauseScript, [CountsKey(key)], [milliseconds.ToString(CultureInfo.InvariantCulture)]).ConfigureAwait(false);
    }

    private static RedisKey CountsKey(string key) => new(KeyPrefix + "{" + key + "}");

    private static RedisKey InFlightKey(string key) => new(KeyPrefix + "{" + key + "}:inflight");
}
