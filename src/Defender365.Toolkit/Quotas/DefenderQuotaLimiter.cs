using System.Threading.RateLimiting;
using Defender365.Toolkit.Diagnostics;
using Defender365.Toolkit.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Defender365.Toolkit.Quotas;

/// <summary>
/// The quota governor: keeps each tenant's calls within the quotas the Defender APIs document, per tenant and quota
/// family, so a burst is smoothed into waits instead of answered with 429s, and learns from the throttling answers it
/// still gets (a tenant's quota pauses for the wait the service names). With a shared store (Redis) every instance of
/// the app counts against the same quotas and sees the same pauses.
/// </summary>
/// <remarks>
/// <para>A <see cref="PartitionedRateLimiter{TResource}"/> partitioned by tenant and quota: one tenant waiting for its
/// quota never delays another's calls. Waits are bounded by <see cref="DefenderQuotaOptions.MaxWait"/> and the caller's
/// cancellation; a call whose wait is longer gets a refused lease (with <see cref="MetadataName.RetryAfter"/>) at once.
/// Calls of one tenant and quota that wait in a process take turns, so one of them, not all, asks the store again when
/// room is due.</para>
/// <para>Each window is counted in <see cref="DefenderQuotaWindow.SlotsPerWindow"/> slots rather than as a token bucket:
/// a bucket refilled at the documented rate lets up to twice the limit into a window the service counts, the slots never
/// more than the limit.</para>
/// <para>The shared store never fails a call: a step that fails or outlasts <see cref="DefenderQuotaOptions.SharedStoreTimeout"/>
/// is counted in-process instead (each instance then keeps the whole quota to itself, and the service's 429s pause it),
/// said once in the log, and the store is tried again after a second, then less often while it still fails.</para>
/// <para>A permit is one request: <c>permitCount</c> is 0 (look) or 1. <see cref="RateLimiter.AttemptAcquire(int)"/>'s
/// synchronous form blocks on the shared store.</para>
/// <para>Thread-safe; share one per process (the clients of one app registration do, through <c>AddDefenderClient</c>).</para>
/// </remarks>
public sealed class DefenderQuotaLimiter : PartitionedRateLimiter<DefenderQuotaRequest>
{
    private static readonly TimeSpan FirstPoll = TimeSpan.FromMilliseconds(25);
    private static readonly TimeSpan MaxPoll = TimeSpan.FromMilliseconds(250);

    private readonly DefenderQuotaOptions _options;
    private readonly IDefenderQuotaStore? _shared;
    private readonly SharedStoreGuard? _guard;
    private readonly LocalQuotaStore _local;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Dictionary<string, Turn> _turns = new(StringComparer.Ordinal);
    private long _granted;
    private long _refused;
    private long _waiting;
    private volatile bool _disposed;

    /// <summary>Creates a governor.</summary>
    /// <param name="options">Waits and pauses; copied. Default: <see cref="DefenderQuotaOptions"/>'s defaults.</param>
    /// <param name="sharedStore">Where every instance of the app counts (Redis); without, this process counts alone.</param>
    /// <param name="loggerFactory">Where waits, refusals and the shared store's failures are logged (category <c>Defender365.Toolkit.Http</c>).</param>
    /// <param name="timeProvider">The clock. Default: <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public DefenderQuotaLimiter(DefenderQuotaOptions? options = null, IDefenderQuotaStore? sharedStore = null, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        _options = (options ?? new DefenderQuotaOptions()).Copy().Validate();
        _time = timeProvider ?? TimeProvider.System;
        _logger = loggerFactory?.CreateLogger(DefenderLog.HttpCategory) ?? NullLogger.Instance;
        _local = new LocalQuotaStore(_time);
        _shared = sharedStore;
        if (sharedStore is not null)
        {
            _guard = new SharedStoreGuard(_options.SharedStoreTimeout, _options.RetryAfterFailure, _time, _logger, DefenderLog.SharedQuotasUnavailable, DefenderLog.SharedQuotasRecovered);
        }
    }

    /// <summary>The settings in use (a copy).</summary>
    public DefenderQuotaOptions Options => _options.Copy();

    /// <summary>The settings in use, for the pipeline (not copied per call).</summary>
    internal DefenderQuotaOptions Settings => _options;

    /// <summary>Whether calls count in the shared store now: false without one, and for a while after it failed.</summary>
    public bool IsShared => _guard?.IsAvailable == true;

    /// <summary>
    /// Learns from a throttling answer: no call of the tenant's quota is let through for <paramref name="duration"/>
    /// (at most <see cref="DefenderQuotaOptions.MaxPause"/>), on every instance that shares the store.
    /// </summary>
    /// <param name="request">The throttled call.</param>
    /// <param name="duration">The wait the service named.</param>
    /// <param name="cancellationToken">Cancels the step on the shared store.</param>
    public async ValueTask PauseAsync(DefenderQuotaRequest request, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request.Operation);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.TenantId);
        if (duration <= TimeSpan.Zero)
        {
            return;
        }

        duration = duration < _options.MaxPause ? duration : _options.MaxPause;
        var quota = DefenderQuota.For(request.Operation);
        var key = KeyOf(request, quota);
        DefenderLog.QuotaPaused(_logger, quota.Family, request.TenantId, duration);
        // Here too: should the shared store fail before the pause ends, this process still keeps it.
        await _local.PauseAsync(key, duration, cancellationToken).ConfigureAwait(false);
        if (_shared is not null)
        {
            await _guard!.RunAsync(async ct =>
            {
                await _shared.PauseAsync(key, duration, ct).ConfigureAwait(false);
                return true;
            }, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// This governor's totals over every tenant and quota: leases granted and refused, and calls waiting now. Room left is
    /// not reported (<c>CurrentAvailablePermits</c> is 0): with a shared store it changes with every instance's calls.
    /// </summary>
    /// <param name="resource">Any request; the totals are the governor's.</param>
    public override RateLimiterStatistics? GetStatistics(DefenderQuotaRequest resource) => new()
    {
        CurrentAvailablePermits = 0,
        CurrentQueuedCount = Interlocked.Read(ref _waiting),
        TotalSuccessfulLeases = Interlocked.Read(ref _granted),
        TotalFailedLeases = Interlocked.Read(ref _refused),
    };

    /// <inheritdoc/>
    protected override RateLimitLease AttemptAcquireCore(DefenderQuotaRequest resource, int permitCount) =>
        AcquireCoreAsync(resource, permitCount, wait: false, CancellationToken.None).AsTask().GetAwaiter().GetResult();

    /// <inheritdoc/>
    protected override ValueTask<RateLimitLease> AcquireAsyncCore(DefenderQuotaRequest resource, int permitCount, CancellationToken cancellationToken) =>
        AcquireCoreAsync(resource, permitCount, wait: true, cancellationToken);

    /// <inheritdoc/>
    protected override void Dispose(bool disposing) => _disposed = true;

    /// <inheritdoc/>
    protected override ValueTask DisposeAsyncCore()
    {
        _disposed = true;
        return ValueTask.CompletedTask;
    }

    private async ValueTask<RateLimitLease> AcquireCoreAsync(DefenderQuotaRequest request, int permitCount, bool wait, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request.Operation);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.TenantId);
        if (permitCount is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(permitCount), permitCount, "A permit is one request: ask for 0 (to look) or 1.");
        }

        ObjectDisposedException.ThrowIf(_disposed, this);
        var quota = DefenderQuota.For(request.Operation);
        var key = KeyOf(request, quota);
        var requestId = quota.MaxConcurrentRequests is null || permitCount == 0 ? "" : Guid.NewGuid().ToString("N");

        var (decision, store) = await TakeAsync(key, quota, permitCount, requestId, cancellationToken).ConfigureAwait(false);
        if (decision.Granted)
        {
            return Granted(store, key, quota, requestId, permitCount);
        }

        if (permitCount == 0)
        {
            // A look that finds no room: nothing was refused, so nothing is counted or logged.
            return QuotaLease.NoRoom(decision.RetryAfter, Reason(quota, decision.RetryAfter));
        }

        var deadline = _time.GetUtcNow() + _options.MaxWait;
        if (!wait || decision.RetryAfter > _options.MaxWait)
        {
            return Refused(request, quota, decision.RetryAfter);
        }

        Interlocked.Increment(ref _waiting);
        try
        {
            using var turn = await TakeTurnAsync(key, deadline, cancellationToken).ConfigureAwait(false);
            if (turn is null)
            {
                return Refused(request, quota, decision.RetryAfter);
            }

            DefenderLog.QuotaWaiting(_logger, quota.Family, request.TenantId, decision.RetryAfter);
            var poll = FirstPoll;
            while (true)
            {
                (decision, store) = await TakeAsync(key, quota, permitCount, requestId, cancellationToken).ConfigureAwait(false);
                if (decision.Granted)
                {
                    return Granted(store, key, quota, requestId, permitCount);
                }

                // Room at a known time (a window's slot leaves, a pause ends), or, for a request slot, whenever another
                // request ends: look soon, then less often.
                var delay = decision.RetryAfter;
                if (delay == TimeSpan.Zero)
                {
                    delay = poll;
                    poll = poll * 2 < MaxPoll ? poll * 2 : MaxPoll;
                }

                if (_time.GetUtcNow() + delay > deadline)
                {
                    return Refused(request, quota, decision.RetryAfter);
                }

                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
    }

    private async ValueTask<(DefenderQuotaDecision Decision, IDefenderQuotaStore Store)> TakeAsync(string key, DefenderQuota quota, int count, string requestId, CancellationToken cancellationToken)
    {
        if (_shared is not null)
        {
            var (ok, decision) = await _guard!.RunAsync(ct => _shared.TryTakeAsync(key, quota, count, requestId, ct).AsTask(), cancellationToken).ConfigureAwait(false);
            if (ok)
            {
                // A store is an extension point: a negative wait from one is no known wait (look again soon), never a
                // delay that throws.
                return (decision.RetryAfter < TimeSpan.Zero ? decision with { RetryAfter = TimeSpan.Zero } : decision, _shared);
            }
        }

        return (await _local.TryTakeAsync(key, quota, count, requestId, cancellationToken).ConfigureAwait(false), _local);
    }

    private RateLimitLease Granted(IDefenderQuotaStore store, string key, DefenderQuota quota, string requestId, int permitCount)
    {
        Interlocked.Increment(ref _granted);
        return quota.MaxConcurrentRequests is null || permitCount == 0 ? QuotaLease.Acquired : new QuotaLease(this, store, key, requestId);
    }

    private RateLimitLease Refused(DefenderQuotaRequest request, DefenderQuota quota, TimeSpan retryAfter)
    {
        Interlocked.Increment(ref _refused);
        DefenderLog.QuotaRefused(_logger, quota.Family, request.TenantId, retryAfter);
        return QuotaLease.NoRoom(retryAfter, Reason(quota, retryAfter));
    }

    private static string Reason(DefenderQuota quota, TimeSpan retryAfter) => retryAfter > TimeSpan.Zero
        ? $"the quota ({quota}) has no room for {Math.Ceiling(retryAfter.TotalSeconds):0} s"
        : quota.MaxConcurrentRequests is int inFlight
            ? $"all {inFlight} requests the quota ({quota}) allows at once are in flight"
            : $"the quota ({quota}) has no room";

    // A request slot is given back where it was taken; through the guard, so a store that is down costs no wait (its
    // slots lapse there on their own).
    private void Release(IDefenderQuotaStore store, string key, string requestId)
    {
        if (ReferenceEquals(store, _local))
        {
            _ = _local.ReleaseAsync(key, requestId, CancellationToken.None);
            return;
        }

        _ = _guard!.RunAsync(async ct =>
        {
            await store.ReleaseAsync(key, requestId, ct).ConfigureAwait(false);
            return true;
        });
    }

    // Tenants are compared without regard to case; the family names the quota the operation counts against.
    private static string KeyOf(DefenderQuotaRequest request, DefenderQuota quota) =>
        string.Concat(request.TenantId.Trim().ToLowerInvariant(), ":", quota.Family);

    /// <summary>Waits for this key's turn among the calls of this process that wait for it; null when the deadline comes first.</summary>
    private async ValueTask<IDisposable?> TakeTurnAsync(string key, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        Turn turn;
        lock (_turns)
        {
            if (!_turns.TryGetValue(key, out turn!))
            {
                _turns[key] = turn = new Turn(this, key);
            }

            turn.Users++;
        }

        var left = deadline - _time.GetUtcNow();
        using var timeout = new CancellationTokenSource(left > TimeSpan.Zero ? left : TimeSpan.Zero, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        try
        {
            await turn.Semaphore.WaitAsync(linked.Token).ConfigureAwait(false);
            return turn;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Leave(turn);
            return null;
        }
        catch
        {
            Leave(turn);
            throw;
        }
    }

    private void Leave(Turn turn)
    {
        lock (_turns)
        {
            if (--turn.Users == 0)
            {
                _turns.Remove(turn.Key);
            }
        }
    }

    private sealed class Turn(DefenderQuotaLimiter owner, string key) : IDisposable
    {
        public SemaphoreSlim Semaphore { get; } = new(1, 1);

        public string Key { get; } = key;

        public int Users { get; set; }

        public void Dispose()
        {
            Semaphore.Release();
            owner.Leave(this);
        }
    }

    private sealed class QuotaLease : RateLimitLease
    {
        public static readonly QuotaLease Acquired = new();

        private static readonly string[] RefusedMetadata = [MetadataName.RetryAfter.Name, MetadataName.ReasonPhrase.Name];

        private readonly DefenderQuotaLimiter? _owner;
        private readonly IDefenderQuotaStore? _store;
        private readonly string? _key;
        private readonly string? _requestId;
        private readonly TimeSpan _retryAfter;
        private readonly string? _reason;
        private int _released;

        private QuotaLease() => IsAcquired = true;

        public QuotaLease(DefenderQuotaLimiter owner, IDefenderQuotaStore store, string key, string requestId)
            : this() => (_owner, _store, _key, _requestId) = (owner, store, key, requestId);

        private QuotaLease(TimeSpan retryAfter, string reason) => (_retryAfter, _reason) = (retryAfter, reason);

        public static QuotaLease NoRoom(TimeSpan retryAfter, string reason) => new(retryAfter, reason);

        public override bool IsAcquired { get; }

        public override IEnumerable<string> MetadataNames => IsAcquired ? [] : RefusedMetadata;

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = IsAcquired ? null
                : metadataName == MetadataName.RetryAfter.Name ? _retryAfter
                : metadataName == MetadataName.ReasonPhrase.Name ? _reason
                : null;
            return metadata is not null;
        }

        protected override void Dispose(bool disposing)
        {
            if (_owner is not null && Interlocked.Exchange(ref _released, 1) == 0)
            {
                _owner.Release(_store!, _key!, _requestId!);
            }
        }
    }
}
