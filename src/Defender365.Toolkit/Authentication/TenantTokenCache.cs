using System.Collections.Concurrent;
using Azure.Core;
using Defender365.Toolkit.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Defender365.Toolkit.Authentication;

/// <summary>
/// Tokens per (tenant, scope), served without a call into MSAL while they are valid, and a single flight per key for
/// the calls that must go to the token service.
/// </summary>
/// <remarks>
/// Why not rely on MSAL's cache alone: its cached path costs about 11 µs and 10 KB per call and slows as tenants grow
/// (it counts every partition on each lookup), and MSAL has no single-flight, so N concurrent first calls send N
/// token requests. A hit here is one dictionary lookup and a clock read, with no allocation. MSAL keeps no copy
/// (<see cref="MsalAppClient"/> empties its cache before each use), so each token is held once, here.
/// <para>Bounded: entries that stopped being served are swept after <see cref="SweepInterval"/>, and past
/// <see cref="Capacity"/> entries the least recently used go first. A hit only notes the time it was used, at most
/// once a second per entry, so the hit path stays free of locks and lists; the sweep does the sorting.</para>
/// </remarks>
internal sealed class TenantTokenCache
{
    private readonly object _scopesGate = new();
    private readonly ConcurrentDictionary<TokenKey, Task<AccessToken>> _inFlight = new(TokenKeyComparer.Instance);
    private readonly TimeProvider _time;
    private readonly TimeSpan _margin;
    private readonly ILogger _logger;
    private readonly long _sweepInterval;
    private readonly long _fullWarningInterval;
    private readonly long _touchInterval;
    private int _count;
    private int _sweeping;
    private long _lastSweep;
    private long _lastFullWarning = long.MinValue;

    // Reading the wall clock costs ~35 ns here (a third of a cache hit); Environment.TickCount64 costs ~8 ns and is
    // monotonic. It is used when the clock is the system's; a test's TimeProvider is read as given.
    private readonly bool _useTickCount;

    // Tokens per scope, then per tenant. Apps use one to three scopes (one per API), so the scope step is a scan of a
    // tiny array, usually a reference comparison; the tenant step is one lookup with the default string comparer, which
    // ConcurrentDictionary hashes with its fast non-randomized path.
    private volatile ScopeTokens[] _scopes = [];

    /// <param name="time">The clock of expiry.</param>
    /// <param name="margin">How long before expiry a token stops being served.</param>
    /// <param name="capacity">The most entries (tenant and scope) kept; past it the least recently used go.</param>
    /// <param name="logger">Where a full cache is reported.</param>
    public TenantTokenCache(TimeProvider time, TimeSpan margin, int capacity = DefaultCapacity, ILogger? logger = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _time = time;
        _margin = margin;
        _logger = logger ?? NullLogger.Instance;
        Capacity = capacity;
        _useTickCount = ReferenceEquals(time, TimeProvider.System);
        _sweepInterval = ToClockUnits(SweepInterval);
        _fullWarningInterval = ToClockUnits(TimeSpan.FromHours(1));
        _touchInterval = ToClockUnits(TimeSpan.FromSeconds(1));
        _lastSweep = Now();
    }

    /// <summary>The default of <see cref="DefenderAppCredentialOptions.MaxCachedTokens"/>.</summary>
    public const int DefaultCapacity = 100_000;

    /// <summary>
    /// How often entries that stopped being served are removed, and how long one is kept after that: a refused token's
    /// mark must outlive the refusal long enough to send the next request past the shared cache.
    /// </summary>
    public static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(5);

    /// <summary>The most entries kept.</summary>
    public int Capacity { get; }

    /// <summary>Entries held now, tokens and marks of refused ones.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>The cached token, if it is still valid for longer than the margin.</summary>
    public bool TryGet(TokenKey key, out AccessToken token)
    {
        if (FindScope(key.Scope) is { } scope
            && scope.Tenants.TryGetValue(key.TenantId, out var entry)
            && Now() is var now
            && now < entry.RefreshAt)
        {
            // Written at most once a second, so a tenant many threads use does not bounce its cache line between cores.
            if (now - entry.LastUsed >= _touchInterval)
            {
                entry.LastUsed = now;
            }

            token = entry.Token;
            return true;
        }

        token = default;
        return false;
    }
    /// <summary>
    /// Returns the cached token or runs <paramref name="acquire"/> once for all concurrent callers of the key. The
    /// acquisition is not tied to any one caller's cancellation; each caller stops waiting when its own token fires.
    /// </summary>
    /// <param name="key">Tenant and scope.</param>
    /// <param name="acquire">Fetches a token; its argument says whether the key had a token that expired or was refused.</param>
    /// <param name="cancellationToken">Stops this caller's wait.</param>
    public Task<AccessToken> GetOrAcquireAsync(TokenKey key, Func<TokenKey, TokenStaleness, Task<AccessToken>> acquire, CancellationToken cancellationToken)
    {
        if (TryGet(key, out var cached))
        {
            return Task.FromResult(cached);
        }

        while (true)
        {
            if (_inFlight.TryGetValue(key, out var running))
            {
                return running.WaitAsync(cancellationToken);
            }

            var completion = new TaskCompletionSource<AccessToken>(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_inFlight.TryAdd(key, completion.Task))
            {
                _ = RunAsync(key, acquire, completion);
                return completion.Task.WaitAsync(cancellationToken);
            }
        }
    }

    /// <summary>Marks the tenant's tokens refused: the next request goes to the token service, past any shared copy.</summary>
    public void Invalidate(string tenantId)
    {
        foreach (var scope in _scopes)
        {
            foreach (var (tenant, entry) in scope.Tenants)
            {
                if (string.Equals(tenant, tenantId, StringComparison.OrdinalIgnoreCase))
                {
                    // Only a key still held is marked: one the sweep removed is asked for as new, which is as good.
                    scope.Tenants.TryUpdate(tenant, Entry.RefusedAt(Now(), entry.ForcedAt), entry);
                }
            }
        }
    }

    /// <summary>
    /// Marks one tenant and scope stale because the service refused <paramref name="refusedToken"/> (a 401, or roles that
    /// lack a permission), unless a refresh was already forced for the key within <paramref name="minimumInterval"/>:
    /// refused calls in a loop then cost one token request per interval, not one each. Other scopes are not touched.
    /// </summary>
    /// <returns>Whether the next request for the key gets a token other than <paramref name="refusedToken"/>.</returns>
    public bool TryInvalidate(TokenKey key, string refusedToken, TimeSpan minimumInterval)
    {
        if (FindScope(key.Scope) is not { } scope || !scope.Tenants.TryGetValue(key.TenantId, out var entry))
        {
            return false;
        }

        if (!string.Equals(entry.Token.Token, refusedToken, StringComparison.Ordinal))
        {
            // Another caller refreshed it already, or marked it stale: the next request gets another token.
            return true;
        }

        var now = Now();
        if (entry.ForcedAt != long.MinValue && now - entry.ForcedAt < ToClockUnits(minimumInterval))
        {
            return false;
        }

        // Losing this race means another caller replaced the entry just now: either way the refused token is gone.
        scope.Tenants.TryUpdate(key.TenantId, Entry.RefusedAt(now, forcedAt: now), entry);
        return true;
    }

    private async Task RunAsync(TokenKey key, Func<TokenKey, TokenStaleness, Task<AccessToken>> acquire, TaskCompletionSource<AccessToken> completion)
    {
        try
        {
            // A key we have seen before but that missed is stale: expired by our clock, or refused by a service, in
            // which case a copy of it in the shared cache is no better and the token service is asked.
            var tenants = GetOrAddScope(key.Scope).Tenants;
            var staleness = !tenants.TryGetValue(key.TenantId, out var previous) ? TokenStaleness.None : previous.Refused ? TokenStaleness.Refused : TokenStaleness.Expired;
            var token = await acquire(key, staleness).ConfigureAwait(false);
            var validFor = token.ExpiresOn - _margin - _time.GetUtcNow();
            if (validFor > TimeSpan.Zero)
            {
                var now = Now();
                Store(tenants, key.TenantId, new Entry(token, now + ToClockUnits(validFor), previous?.ForcedAt ?? long.MinValue) { LastUsed = now });
            }

            _inFlight.TryRemove(new KeyValuePair<TokenKey, Task<AccessToken>>(key, completion.Task));
            completion.SetResult(token);

            // After the callers are released: the sweep is this acquisition's cost, never a hit's.
            SweepIfDue();
        }
        catch (Exception exception)
        {
            _inFlight.TryRemove(new KeyValuePair<TokenKey, Task<AccessToken>>(key, completion.Task));
            completion.SetException(exception);
        }
    }

    /// <summary>
    /// Removes entries that stopped being served more than <see cref="SweepInterval"/> ago, every
    /// <see cref="SweepInterval"/>; and when the cache holds more than <see cref="Capacity"/>, brings it to nine tenths
    /// of it, evicting the least recently used first.
    /// </summary>
    internal void SweepIfDue()
    {
        var now = Now();
        var full = Count > Capacity;
        if ((!full && now - Volatile.Read(ref _lastSweep) < _sweepInterval) || Interlocked.CompareExchange(ref _sweeping, 1, 0) != 0)
        {
            return;
        }

        try
        {
            Volatile.Write(ref _lastSweep, now);
            foreach (var scope in _scopes)
            {
                foreach (var (tenant, entry) in scope.Tenants)
                {
                    if (now - entry.RefreshAt > _sweepInterval)
                    {
                        Remove(scope.Tenants, tenant, entry);
                    }
                }
            }

            // Hysteresis: a full cache is brought well under its bound, so the next sweep is not the next acquisition's.
            var target = Capacity - (Capacity / 10);
            var evicted = Count > target ? EvictLeastRecentlyUsed(Count - target, now) : 0;

            if (evicted > 0 && (_lastFullWarning == long.MinValue || now - _lastFullWarning >= _fullWarningInterval))
            {
                _lastFullWarning = now;
                DefenderLog.TokenCacheFull(_logger, Capacity, evicted);
            }
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }

    // The time of last use that splits off the `excess` oldest entries, then a pass that removes those entries.
    private int EvictLeastRecentlyUsed(int excess, long now)
    {
        var times = new List<long>(Count);
        foreach (var scope in _scopes)
        {
            // Enumerated, not .Values: that would take every lock of the dictionary and copy it.
            foreach (var (_, entry) in scope.Tenants)
            {
                times.Add(entry.LastUsed);
            }
        }

        excess = Math.Min(excess, times.Count);
        if (excess == 0)
        {
            return 0;
        }

        times.Sort();
        var cutoff = times[excess - 1];
        var evicted = 0;
        var removed = 0;
        foreach (var scope in _scopes)
        {
            foreach (var (tenant, entry) in scope.Tenants)
            {
                // Entries used at the cutoff time itself go only while the excess lasts.
                if (removed < excess && entry.LastUsed <= cutoff && Remove(scope.Tenants, tenant, entry))
                {
                    removed++;
                    evicted += now < entry.RefreshAt ? 1 : 0;
                }
            }
        }

        return evicted;
    }

    private void Store(ConcurrentDictionary<string, Entry> tenants, string tenant, Entry entry)
    {
        while (true)
        {
            if (tenants.TryGetValue(tenant, out var current))
            {
                if (tenants.TryUpdate(tenant, entry, current))
                {
                    return;
                }
            }
            else if (tenants.TryAdd(tenant, entry))
            {
                Interlocked.Increment(ref _count);
                return;
            }
        }
    }

    // Only if the key still holds this very entry (entries compare by reference): a token stored meanwhile stays.
    private bool Remove(ConcurrentDictionary<string, Entry> tenants, string tenant, Entry entry)
    {
        if (!tenants.TryRemove(new KeyValuePair<string, Entry>(tenant, entry)))
        {
            return false;
        }

        Interlocked.Decrement(ref _count);
        return true;
    }

    private long ToClockUnits(TimeSpan span) => _useTickCount ? (long)span.TotalMilliseconds : span.Ticks;

    private ScopeTokens? FindScope(string scope)
    {
        var scopes = _scopes;
        foreach (var candidate in scopes)
        {
            if (ReferenceEquals(candidate.Scope, scope))
            {
                return candidate;
            }
        }

        foreach (var candidate in scopes)
        {
            if (string.Equals(candidate.Scope, scope, StringComparison.Ordinal))
            {
                return candidate;
            }
        }

        return null;
    }

    private ScopeTokens GetOrAddScope(string scope)
    {
        if (FindScope(scope) is { } existing)
        {
            return existing;
        }

        lock (_scopesGate)
        {
            if (FindScope(scope) is { } raced)
            {
                return raced;
            }

            var added = new ScopeTokens(scope);
            _scopes = [.. _scopes, added];
            return added;
        }
    }

    /// <summary>The current time in the unit entries use: milliseconds of <see cref="Environment.TickCount64"/>, or ticks of the TimeProvider's clock.</summary>
    private long Now() => _useTickCount ? Environment.TickCount64 : _time.GetUtcNow().UtcTicks;

    /// <summary>
    /// A cached token, or the mark of a refused one. A class, not a struct inline in the dictionary: a hit notes
    /// <see cref="LastUsed"/> in place, and the sweep removes an entry only if the key still holds that very object.
    /// </summary>
    /// <param name="token">The token (default for a refused one's mark).</param>
    /// <param name="refreshAt">When to stop serving it, in the unit of <see cref="Now"/>.</param>
    /// <param name="forcedAt">When a refusal last forced a refresh of the key (<see cref="long.MinValue"/>: never).</param>
    private sealed class Entry(AccessToken token, long refreshAt, long forcedAt)
    {
        public AccessToken Token { get; } = token;

        public long RefreshAt { get; } = refreshAt;

        public long ForcedAt { get; } = forcedAt;

        /// <summary>The token was refused or forgotten on request: the next acquisition skips every copy of it.</summary>
        public bool Refused { get; private init; }

        /// <summary>When it was last served, to the second, in the unit of <see cref="Now"/> (a plain field: a lost write only makes it look a second older).</summary>
        public long LastUsed { get; set; } = refreshAt; // A refused one's mark: the time of the refusal.

        // Its RefreshAt is the time of the refusal: never served, and swept like a token that expired then.
        public static Entry RefusedAt(long now, long forcedAt) => new(default, now, forcedAt) { Refused = true };
    }

    private sealed class ScopeTokens(string scope)
    {
        public string Scope { get; } = scope;

        // Keyed by the tenant string as given (ordinal), like MSAL's own partitions: a domain and its GUID are two
        // entries, and no spelling of one tenant can ever return another tenant's token.
        public ConcurrentDictionary<string, Entry> Tenants { get; } = new();
    }
}

/// <summary>What became of the token a key had before a new one is acquired.</summary>
internal enum TokenStaleness
{
    /// <summary>The key never had a token in this process.</summary>
    None,

    /// <summary>Its token reached the refresh margin.</summary>
    Expired,

    /// <summary>Its token was refused by a service or forgotten on request (<see cref="TenantTokenCache.Invalidate"/>): a copy of it elsewhere is no better.</summary>
    Refused,
}

/// <summary>Cache key: tenant and scope.</summary>
internal readonly record struct TokenKey(string TenantId, string Scope);

internal sealed class TokenKeyComparer : IEqualityComparer<TokenKey>
{
    public static readonly TokenKeyComparer Instance = new();

    public bool Equals(TokenKey x, TokenKey y) =>
        string.Equals(x.TenantId, y.TenantId, StringComparison.Ordinal) && string.Equals(x.Scope, y.Scope, StringComparison.Ordinal);

    public int GetHashCode(TokenKey key) => HashCode.Combine(key.TenantId, key.Scope);
}
