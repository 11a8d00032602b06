using System.Collections.Concurrent;
using Azure.Core;

namespace Defender365.Toolkit.Authentication;

/// <summary>
/// Tokens per (tenant, scope), served without a call into MSAL while they are valid, and a single flight per key for
/// the calls that must go to the token service.
/// </summary>
/// <remarks>
/// Why not rely on MSAL's cache alone: its cached path costs about 11 µs and 10 KB per call and slows as tenants grow
/// (it counts every partition on each lookup), and MSAL has no single-flight, so N concurrent first calls send N
/// token requests. A hit here is one dictionary lookup and a clock read, with no allocation.
/// </remarks>
internal sealed class TenantTokenCache
{
    private readonly object _scopesGate = new();
    private readonly ConcurrentDictionary<TokenKey, Task<AccessToken>> _inFlight = new(TokenKeyComparer.Instance);
    private readonly TimeProvider _time;
    private readonly TimeSpan _margin;

    // Reading the wall clock costs ~35 ns here (a third of a cache hit); Environment.TickCount64 costs ~8 ns and is
    // monotonic. It is used when the clock is the system's; a test's TimeProvider is read as given.
    private readonly bool _useTickCount;

    // Tokens per scope, then per tenant. Apps use one to three scopes (one per API), so the scope step is a scan of a
    // tiny array, usually a reference comparison; the tenant step is one lookup with the default string comparer, which
    // ConcurrentDictionary hashes with its fast non-randomized path.
    private volatile ScopeTokens[] _scopes = [];

    public TenantTokenCache(TimeProvider time, TimeSpan margin)
    {
        _time = time;
        _margin = margin;
        _useTickCount = ReferenceEquals(time, TimeProvider.System);
    }

    public int Count => _scopes.Sum(s => s.Tenants.Count);

    /// <summary>The cached token, if it is still valid for longer than the margin.</summary>
    public bool TryGet(TokenKey key, out AccessToken token)
    {
        if (FindScope(key.Scope) is { } scope
            && scope.Tenants.TryGetValue(key.TenantId, out var entry)
            && Now() < entry.RefreshAt)
        {
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

    /// <summary>Marks the tenant's tokens stale: the next request goes to the token service and bypasses MSAL's cache.</summary>
    public void Invalidate(string tenantId)
    {
        foreach (var scope in _scopes)
        {
            foreach (var tenant in scope.Tenants.Keys)
            {
                if (string.Equals(tenant, tenantId, StringComparison.OrdinalIgnoreCase))
                {
                    scope.Tenants[tenant] = new Entry(default, RefreshAt: long.MinValue, ForcedAt: long.MinValue);
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
        var interval = _useTickCount ? (long)minimumInterval.TotalMilliseconds : minimumInterval.Ticks;
        if (entry.ForcedAt != long.MinValue && now - entry.ForcedAt < interval)
        {
            return false;
        }

        // Losing this race means another caller replaced the entry just now: either way the refused token is gone.
        scope.Tenants.TryUpdate(key.TenantId, new Entry(default, RefreshAt: long.MinValue, ForcedAt: now), entry);
        return true;
    }

    private async Task RunAsync(TokenKey key, Func<TokenKey, TokenStaleness, Task<AccessToken>> acquire, TaskCompletionSource<AccessToken> completion)
    {
        try
        {
            // A key we have seen before but that missed is stale (expired by our clock, or invalidated because the
            // service refused it): MSAL's cache would hand back the same token, so the token service is asked.
            var tenants = GetOrAddScope(key.Scope).Tenants;
            var stale = tenants.TryGetValue(key.TenantId, out var previous);
            var staleness = !stale ? TokenStaleness.None : previous.RefreshAt == long.MinValue ? TokenStaleness.Refused : TokenStaleness.Expired;
            var token = await acquire(key, staleness).ConfigureAwait(false);
            var validFor = token.ExpiresOn - _margin - _time.GetUtcNow();
            if (validFor > TimeSpan.Zero)
            {
                tenants[key.TenantId] = new Entry(token, Now() + (_useTickCount ? (long)validFor.TotalMilliseconds : validFor.Ticks), stale ? previous.ForcedAt : long.MinValue);
            }

            _inFlight.TryRemove(new KeyValuePair<TokenKey, Task<AccessToken>>(key, completion.Task));
            completion.SetResult(token);
        }
        catch (Exception exception)
        {
            _inFlight.TryRemove(new KeyValuePair<TokenKey, Task<AccessToken>>(key, completion.Task));
            completion.SetException(exception);
        }
    }

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
    /// A cached token, stored inline in the dictionary node (one memory access less per hit than a separate object;
    /// ConcurrentDictionary replaces the node on update when a value cannot be written atomically, so reads never tear).
    /// </summary>
    /// <param name="Token">The token.</param>
    /// <param name="RefreshAt">When to stop serving it, in the unit of <see cref="Now"/>.</param>
    /// <param name="ForcedAt">When a refusal last forced a refresh of the key (<see cref="long.MinValue"/>: never).</param>
    private readonly record struct Entry(AccessToken Token, long RefreshAt, long ForcedAt);

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
