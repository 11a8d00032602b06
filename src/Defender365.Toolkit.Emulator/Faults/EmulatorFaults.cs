using System.Collections.Concurrent;

namespace Defender365.Toolkit.Emulator;

/// <summary>
/// Switchable misbehaviour, to test clients against what the real services do: one-off throttling and failures
/// (<see cref="Throttle"/>, <see cref="Fail"/>), latency, token revocation, consent changes with their lag, and a whole
/// <see cref="EmulatorFaultProfile"/> of transport failures, throttling shapes, quotas and service errors
/// (<see cref="Apply"/>). Thread-safe; change at any time.
/// </summary>
public sealed class EmulatorFaults
{
    private readonly object _gate = new();
    private readonly Func<long> _lastTokenSerial;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, long> _revokedThrough = new(StringComparer.OrdinalIgnoreCase);
    private int _throttleRemaining;
    private TimeSpan _throttleRetryAfter;
    private bool _throttleHeader;
    private string? _throttleOperation;
    private int _failRemaining;
    private int _failStatus;
    private string? _failOperation;

    // The applied profile and its state: draws, rules' remaining counts, quota windows, grants waiting for their lag.
    private EmulatorFaultProfile? _profile;
    private Random _random = new();
    private int?[] _remaining = [];
    private readonly Dictionary<(int Rule, string Tenant), Queue<DateTimeOffset>> _quotaCalls = [];
    private readonly Dictionary<(int Rule, string Tenant), int> _quotaInFlight = [];
    private readonly List<(DateTimeOffset Due, EmulatorTenant Tenant, string ClientId, string ResourceId, string[] Permissions)> _pendingGrants = [];

    internal EmulatorFaults(Func<long> lastTokenSerial, TimeProvider time)
    {
        _lastTokenSerial = lastTokenSerial;
        _time = time;
    }

    /// <summary>Delay added to every API response.</summary>
    public TimeSpan ApiLatency { get; set; }

    /// <summary>Delay added to every token request (to widen the window of a cold-start stampede).</summary>
    public TimeSpan TokenLatency { get; set; }

    /// <summary>The applied profile, if any.</summary>
    public EmulatorFaultProfile? Profile
    {
        get
        {
            lock (_gate)
            {
                return _profile;
            }
        }
    }

    /// <summary>Applies a fault profile (replacing any applied before); <see langword="null"/> removes it.</summary>
    public void Apply(EmulatorFaultProfile? profile)
    {
        foreach (var rule in profile?.Rules ?? [])
        {
            rule.Validate();
        }

        lock (_gate)
        {
            _profile = profile;
            _random = profile?.Seed is { } seed ? new Random(seed) : new Random();
            _remaining = profile?.Rules.Select(r => r.Count).ToArray() ?? [];
            _quotaCalls.Clear();
            _quotaInFlight.Clear();
        }
    }

    /// <summary>
    /// Answers the next <paramref name="count"/> API calls (of <paramref name="operationId"/>, or of any operation when
    /// <see langword="null"/>) with HTTP 429 <c>TooManyRequests</c>. With <paramref name="retryAfterHeader"/> the wait is in
    /// the <c>Retry-After</c> header (Defender for Endpoint); without, only the error message says it (Defender XDR).
    /// </summary>
    public void Throttle(int count, TimeSpan retryAfter, bool retryAfterHeader = true, string? operationId = null)
    {
        lock (_gate)
        {
            _throttleRemaining = count;
            _throttleRetryAfter = retryAfter;
            _throttleHeader = retryAfterHeader;
            _throttleOperation = operationId;
        }
    }

    /// <summary>Answers the next <paramref name="count"/> API calls (of one operation or any) with <paramref name="status"/> (5xx).</summary>
    public void Fail(int count, int status = 503, string? operationId = null)
    {
        lock (_gate)
        {
            _failRemaining = count;
            _failStatus = status;
            _failOperation = operationId;
        }
    }

    /// <summary>
    /// Revokes every token issued so far for the tenant id (an admin removed the app's consent and re-granted it, a key
    /// was rolled): the APIs answer them with 401 until the client gets a new one. Tokens issued afterwards are accepted.
    /// </summary>
    public void RevokeTokens(string tenantId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        _revokedThrough[tenantId] = _lastTokenSerial();
    }

    /// <summary>
    /// An admin grants application permissions: they show in tokens issued from <see cref="EmulatorFaultProfile.ConsentLag"/>
    /// from now on (at once without a profile). Tokens issued before keep their roles until they expire.
    /// </summary>
    public void GrantConsent(EmulatorTenant tenant, string clientId, string resourceId, params string[] permissions)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        lock (_gate)
        {
            var lag = _profile?.ConsentLag ?? TimeSpan.Zero;
            if (lag <= TimeSpan.Zero)
            {
                tenant.Consent(clientId, resourceId, permissions);
                return;
            }

            _pendingGrants.Add((_time.GetUtcNow() + lag, tenant, clientId, resourceId, permissions));
        }
    }

    /// <summary>
    /// An admin removes application permissions: new tokens lack them at once; a token issued before keeps working until
    /// it expires, then calls that need them get 403 (as Entra and the Defender APIs behave).
    /// </summary>
    public void RevokeConsent(EmulatorTenant tenant, string clientId, string resourceId, params string[] permissions)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        lock (_gate)
        {
            if (tenant.Consents.TryGetValue(clientId, out var byResource) && byResource.TryGetValue(resourceId, out var roles))
            {
                roles.ExceptWith(permissions);
            }
        }
    }

    /// <summary>Turns every fault off (the profile too).</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _throttleRemaining = 0;
            _failRemaining = 0;
            _profile = null;
            _remaining = [];
            _quotaCalls.Clear();
        }

        _revokedThrough.Clear();
        ApiLatency = TimeSpan.Zero;
        TokenLatency = TimeSpan.Zero;
    }

    internal bool IsRevoked(string tenantId, long tokenSerial) =>
        _revokedThrough.TryGetValue(tenantId, out var through) && tokenSerial <= through;

    internal async Task BeforeTokenRequestAsync(CancellationToken cancellationToken)
    {
        if (TokenLatency > TimeSpan.Zero)
        {
            await Task.Delay(TokenLatency, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The roles a new token of the app gets on the resource: the grants whose lag has passed, as a snapshot.</summary>
    internal string[] ConsentedRoles(EmulatorTenant tenant, string clientId, string resourceId)
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            for (var i = _pendingGrants.Count - 1; i >= 0; i--)
            {
                var grant = _pendingGrants[i];
                if (grant.Due <= now)
                {
                    grant.Tenant.Consent(grant.ClientId, grant.ResourceId, grant.Permissions);
                    _pendingGrants.RemoveAt(i);
                }
            }

            return tenant.Consents.TryGetValue(clientId, out var byResource) && byResource.TryGetValue(resourceId, out var roles)
                ? [.. roles]
                : [];
        }
    }

    /// <summary>The token error a profile rule gives this tenant (an AADSTS code), if one fires.</summary>
    internal string? TokenError(EmulatorTenant? tenant, string requested) =>
        Fire(rule => rule.Fault == EmulatorFaultKind.TokenError && Matches(rule, tenant, requested))?.Error;

    /// <summary>Whether machine actions of the tenant stay Pending.</summary>
    internal bool MachineActionsStayPending(EmulatorTenant tenant)
    {
        lock (_gate)
        {
            return _profile?.Rules.Any(r => r.Fault == EmulatorFaultKind.PendingMachineActions && Matches(r, tenant, tenant.TenantId)) == true;
        }
    }

    /// <summary>The one-off throttle or failure switched on with <see cref="Throttle"/> or <see cref="Fail"/>, if any.</summary>
    internal (int Status, TimeSpan RetryAfter, bool Header)? Next(string operationId)
    {
        lock (_gate)
        {
            if (_throttleRemaining > 0 && (_throttleOperation is null || _throttleOperation == operationId))
            {
                _throttleRemaining--;
                return (429, _throttleRetryAfter, _throttleHeader);
            }

            if (_failRemaining > 0 && (_failOperation is null || _failOperation == operationId))
            {
                _failRemaining--;
                return (_failStatus, TimeSpan.Zero, false);
            }
        }

        return null;
    }

    /// <summary>
    /// The profile's fault for an API call, if one fires: quotas are counted first (every call counts against them, and
    /// one that a concurrency limit lets in holds its place in <paramref name="held"/> until the caller disposes it),
    /// then the other rules are drawn in order.
    /// </summary>
    internal EmulatorFaultRule? NextApiFault(string operationId, EmulatorTenant tenant, out IDisposable? held)
    {
        held = null;
        lock (_gate)
        {
            if (_profile is null)
            {
                return null;
            }

            var taken = new List<(int Rule, string Tenant)>();
            for (var i = 0; i < _profile.Rules.Count; i++)
            {
                var rule = _profile.Rules[i];
                if (rule.Fault != EmulatorFaultKind.Quota || !Applies(rule, operationId, tenant))
                {
                    continue;
                }

                if (rule.Concurrent is int concurrent)
                {
                    var slot = (i, tenant.TenantId);
                    if (_quotaInFlight.GetValueOrDefault(slot) >= concurrent)
                    {
                        ReleaseLocked(taken);
                        return rule;
                    }

                    _quotaInFlight[slot] = _quotaInFlight.GetValueOrDefault(slot) + 1;
                    taken.Add(slot);
                }

                if ((rule.PerMinute is not null || rule.PerHour is not null) && OverQuota(i, rule, tenant.TenantId))
                {
                    ReleaseLocked(taken);
                    return rule;
                }
            }

            if (taken.Count > 0)
            {
                held = new InFlight(this, taken);
            }

            return FireLocked(rule => rule.Fault is not (EmulatorFaultKind.Quota or EmulatorFaultKind.TokenError or EmulatorFaultKind.PendingMachineActions)
                && Applies(rule, operationId, tenant));
        }
    }

    private void ReleaseLocked(List<(int Rule, string Tenant)> taken)
    {
        foreach (var slot in taken)
        {
            // An idle tenant leaves no entry: thousands of tenants come and go.
            if (_quotaInFlight.TryGetValue(slot, out var count) && count > 1)
            {
                _quotaInFlight[slot] = count - 1;
            }
            else
            {
                _quotaInFlight.Remove(slot);
            }
        }
    }

    private sealed class InFlight(EmulatorFaults owner, List<(int Rule, string Tenant)> taken) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                lock (owner._gate)
                {
                    owner.ReleaseLocked(taken);
                }
            }
        }
    }

    private static bool Applies(EmulatorFaultRule rule, string operationId, EmulatorTenant tenant) =>
        (rule.Operation is null || rule.Operation == operationId) && Matches(rule, tenant, tenant.TenantId);

    private static bool Matches(EmulatorFaultRule rule, EmulatorTenant? tenant, string requested) =>
        rule.Tenant is null
        || string.Equals(rule.Tenant, requested, StringComparison.OrdinalIgnoreCase)
        || tenant?.Matches(rule.Tenant) == true;

    private EmulatorFaultRule? Fire(Func<EmulatorFaultRule, bool> candidate)
    {
        lock (_gate)
        {
            return FireLocked(candidate);
        }
    }

    private EmulatorFaultRule? FireLocked(Func<EmulatorFaultRule, bool> candidate)
    {
        if (_profile is null)
        {
            return null;
        }

        for (var i = 0; i < _profile.Rules.Count; i++)
        {
            var rule = _profile.Rules[i];
            if (!candidate(rule) || _remaining[i] is <= 0)
            {
                continue;
            }

            // One draw per candidate rule, so a seeded profile fails the same requests run after run.
            if (rule.Probability >= 1 || _random.NextDouble() < rule.Probability)
            {
                if (_remaining[i] is { } left)
                {
                    _remaining[i] = left - 1;
                }

                return rule;
            }
        }

        return null;
    }

    // Sliding windows per rule and tenant: a call is refused when the minute's or the hour's allowance is spent.
    private bool OverQuota(int index, EmulatorFaultRule rule, string tenantId)
    {
        var now = _time.GetUtcNow();
        if (!_quotaCalls.TryGetValue((index, tenantId), out var calls))
        {
            _quotaCalls[(index, tenantId)] = calls = new Queue<DateTimeOffset>();
        }

        while (calls.Count > 0 && now - calls.Peek() >= TimeSpan.FromHours(1))
        {
            calls.Dequeue();
        }

        var lastMinute = calls.Count(t => now - t < TimeSpan.FromMinutes(1));
        if ((rule.PerMinute is { } perMinute && lastMinute >= perMinute) || (rule.PerHour is { } perHour && calls.Count >= perHour))
        {
            return true;
        }

        calls.Enqueue(now);
        return false;
    }

    /// <summary>
    /// For a quota answer: which window is spent and how long until a call is allowed again; a zero window when the
    /// requests in flight are what is spent.
    /// </summary>
    internal (int Limit, TimeSpan Window, TimeSpan RetryAfter) QuotaState(EmulatorFaultRule rule, string tenantId)
    {
        lock (_gate)
        {
            var index = _profile?.Rules.IndexOf(rule) ?? -1;
            if (rule.Concurrent is int concurrent && _quotaInFlight.GetValueOrDefault((index, tenantId)) >= concurrent)
            {
                return (concurrent, TimeSpan.Zero, TimeSpan.FromSeconds(1));
            }

            var now = _time.GetUtcNow();
            var calls = _quotaCalls.TryGetValue((index, tenantId), out var queue) ? queue.ToArray() : [];
            var inMinute = calls.Where(t => now - t < TimeSpan.FromMinutes(1)).ToArray();
            if (rule.PerMinute is { } perMinute && inMinute.Length >= perMinute)
            {
                return (perMinute, TimeSpan.FromMinutes(1), inMinute.Min() + TimeSpan.FromMinutes(1) - now);
            }

            if (rule.PerHour is { } perHour && calls.Length >= perHour)
            {
                return (perHour, TimeSpan.FromHours(1), calls.Min() + TimeSpan.FromHours(1) - now);
            }

            // Nothing is spent any more: what refused the call ended between the refusal and this answer (a request
            // in flight finished, or the oldest call left its window). The answer names what was spent then.
            return rule.Concurrent is int limit
                ? (limit, TimeSpan.Zero, TimeSpan.FromSeconds(1))
                : rule.PerMinute is { } minuteLimit ? (minuteLimit, TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(1)) : (rule.PerHour ?? 0, TimeSpan.FromHours(1), TimeSpan.FromSeconds(1));
        }
    }
}
