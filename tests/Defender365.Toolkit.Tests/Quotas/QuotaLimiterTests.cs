using System.Threading.RateLimiting;
using Defender365.Toolkit.Catalog;
using Defender365.Toolkit.Quotas;
using Microsoft.Extensions.Time.Testing;

namespace Defender365.Toolkit.Tests.Quotas;

/// <summary>
/// The quota governor in one process, on a fake clock: documented windows, waits, fairness between tenants, pauses a
/// 429 names, request slots, and the limits of a wait.
/// </summary>
public sealed class QuotaLimiterTests
{
    private static readonly DefenderOperation Hunting = DefenderCatalog.Default.GetOperation("RunAdvancedHuntingQuery");
    private static readonly DefenderOperation MdeHunting = DefenderCatalog.Default.GetOperation("RunAdvancedQuery");
    private static readonly DefenderOperation ListSecureScores = DefenderCatalog.Default.GetOperation("GraphSecurity.ListSecureScores");
    private static readonly DefenderOperation GetSecureScore = DefenderCatalog.Default.GetOperation("GraphSecurity.GetSecureScore");
    private static readonly DefenderOperation Undocumented = DefenderCatalog.Default.Operations.First(o => !o.RateLimit.IsDocumented);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public void The_catalog_limits_become_quotas_and_operations_of_a_family_share_one()
    {
        var hunting = DefenderQuota.For(MdeHunting);
        Assert.Equal([new DefenderQuotaWindow(45, TimeSpan.FromMinutes(1)), new DefenderQuotaWindow(1500, TimeSpan.FromHours(1))], hunting.Windows);
        Assert.Equal("RunAdvancedQuery", hunting.Family);

        var scores = DefenderQuota.For(ListSecureScores);
        Assert.Equal("GraphSecurity.SecureScore", scores.Family);
        Assert.Equal(4, scores.MaxConcurrentRequests);
        Assert.Contains(new DefenderQuotaWindow(10_000, TimeSpan.FromMinutes(10)), scores.Windows);
        Assert.Equal(scores.Family, DefenderQuota.For(GetSecureScore).Family);
        Assert.False(DefenderQuota.For(Undocumented).IsDocumented);
    }

    [Fact]
    public void A_tenant_gets_its_minute_allowance_then_waits_until_its_first_call_leaves_the_window()
    {
        using var limiter = new DefenderQuotaLimiter(timeProvider: _time);
        var request = new DefenderQuotaRequest(Hunting, "tenant-a");
        for (var i = 0; i < 45; i++)
        {
            Assert.True(limiter.AttemptAcquire(request).IsAcquired, $"call {i + 1}");
            _time.Advance(TimeSpan.FromMilliseconds(100));
        }

        using var refused = limiter.AttemptAcquire(request);
        Assert.False(refused.IsAcquired);
        Assert.True(refused.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
        // The first call was 4.5 s ago; its slot leaves the window a minute (and at most one slot) after it.
        Assert.InRange(retryAfter, TimeSpan.FromSeconds(55.5), TimeSpan.FromSeconds(56.5));

        _time.Advance(retryAfter);
        Assert.True(limiter.AttemptAcquire(request).IsAcquired);
    }

    [Fact]
    public void No_sixty_seconds_ever_hold_more_calls_than_the_minute_allows()
    {
        using var limiter = new DefenderQuotaLimiter(timeProvider: _time);
        var request = new DefenderQuotaRequest(Hunting, "tenant-b");
        var granted = new List<DateTimeOffset>();
        var random = new Random(7);
        // Ten minutes of a caller that tries far more often than allowed, at uneven intervals.
        while (_time.GetUtcNow() < new DateTimeOffset(2026, 12, 2, 9, 10, 0, TimeSpan.Zero))
        {
            if (limiter.AttemptAcquire(request).IsAcquired)
            {
                granted.Add(_time.GetUtcNow());
            }

            _time.Advance(TimeSpan.FromMilliseconds(random.Next(1, 900)));
        }

        var busiest = granted.Max(t => granted.Count(u => u > t - TimeSpan.FromMinutes(1) && u <= t));
        Assert.Equal(45, busiest);
        // Slots lose at most one slot's worth of the allowance: close to 45 a minute over ten minutes.
        Assert.InRange(granted.Count, 400, 450);
    }

    [Fact]
    public async Task A_tenant_at_its_quota_waits_while_ninety_nine_others_go_through_at_once()
    {
        using var limiter = new DefenderQuotaLimiter(timeProvider: _time);
        var busy = new DefenderQuotaRequest(Hunting, "busy-tenant");
        for (var i = 0; i < 45; i++)
        {
            Assert.True(limiter.AttemptAcquire(busy).IsAcquired);
        }

        var waiting = limiter.AcquireAsync(busy).AsTask();
        var others = Enumerable.Range(0, 99).Select(i => limiter.AcquireAsync(new DefenderQuotaRequest(Hunting, $"tenant-{i}")).AsTask()).ToArray();

        // Nobody else waits for the busy tenant: every other lease is there without the clock moving.
        await Task.WhenAll(others).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.All(others, o => Assert.True(o.Result.IsAcquired));
        Assert.False(waiting.IsCompleted);
        Assert.Equal(1, limiter.GetStatistics(busy)!.CurrentQueuedCount);

        _time.Advance(TimeSpan.FromSeconds(62));
        using var lease = await waiting.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(lease.IsAcquired);
    }

    [Fact]
    public async Task A_wait_longer_than_the_maximum_is_refused_at_once_and_a_cancelled_wait_throws()
    {
        using var limiter = new DefenderQuotaLimiter(new DefenderQuotaOptions { MaxWait = TimeSpan.FromSeconds(10) }, timeProvider: _time);
        var request = new DefenderQuotaRequest(Hunting, "tenant-c");
        for (var i = 0; i < 45; i++)
        {
            limiter.AttemptAcquire(request).Dispose();
        }

        using var refused = await limiter.AcquireAsync(request);
        Assert.False(refused.IsAcquired);
        Assert.True(refused.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
        Assert.True(retryAfter > TimeSpan.FromSeconds(10));
        Assert.True(refused.TryGetMetadata(MetadataName.ReasonPhrase, out var reason));
        Assert.Contains("45 per minute", reason);

        // Within the maximum, a wait can still be cancelled by its caller.
        _time.Advance(TimeSpan.FromSeconds(55));
        using var cancel = new CancellationTokenSource();
        var waiting = limiter.AcquireAsync(request, 1, cancel.Token).AsTask();
        Assert.False(waiting.IsCompleted);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }

    [Fact]
    public async Task A_pause_from_a_throttling_answer_holds_every_call_of_the_tenants_quota_and_only_that()
    {
        using var limiter = new DefenderQuotaLimiter(new DefenderQuotaOptions { MaxPause = TimeSpan.FromMinutes(5) }, timeProvider: _time);
        var throttled = new DefenderQuotaRequest(Undocumented, "Tenant-D");

        await limiter.PauseAsync(throttled, TimeSpan.FromSeconds(30));

        // The tenant as another spelling of its case is the same tenant; another tenant or operation is not paused.
        using var refused = limiter.AttemptAcquire(throttled with { TenantId = "tenant-d" });
        Assert.False(refused.IsAcquired);
        Assert.True(refused.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(30), retryAfter);
        Assert.True(limiter.AttemptAcquire(throttled with { TenantId = "tenant-e" }).IsAcquired);
        Assert.True(limiter.AttemptAcquire(new DefenderQuotaRequest(Hunting, "tenant-d")).IsAcquired);

        // A hostile wait is capped.
        await limiter.PauseAsync(throttled, TimeSpan.FromDays(3));
        using var capped = limiter.AttemptAcquire(throttled);
        Assert.True(capped.TryGetMetadata(MetadataName.RetryAfter, out var cappedWait));
        Assert.Equal(TimeSpan.FromMinutes(5), cappedWait);

        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.True(limiter.AttemptAcquire(throttled).IsAcquired);
    }

    [Fact]
    public async Task Secure_score_calls_of_a_tenant_hold_four_request_slots_shared_by_the_family()
    {
        using var limiter = new DefenderQuotaLimiter(timeProvider: _time);
        var leases = new List<RateLimitLease>();
        for (var i = 0; i < 4; i++)
        {
            var lease = limiter.AttemptAcquire(new DefenderQuotaRequest(i % 2 == 0 ? ListSecureScores : GetSecureScore, "tenant-f"));
            Assert.True(lease.IsAcquired);
            leases.Add(lease);
        }

        using (var fifth = limiter.AttemptAcquire(new DefenderQuotaRequest(GetSecureScore, "tenant-f")))
        {
            Assert.False(fifth.IsAcquired);
            Assert.True(fifth.TryGetMetadata(MetadataName.ReasonPhrase, out var reason));
            Assert.Contains("4 requests", reason);
        }

        // Another tenant has slots of its own.
        Assert.True(limiter.AttemptAcquire(new DefenderQuotaRequest(GetSecureScore, "tenant-g")).IsAcquired);

        // A waiting call gets the slot a finished one gives back.
        var waiting = limiter.AcquireAsync(new DefenderQuotaRequest(ListSecureScores, "tenant-f")).AsTask();
        Assert.False(waiting.IsCompleted);
        leases[0].Dispose();
        leases[0].Dispose();
        for (var i = 0; i < 20 && !waiting.IsCompleted; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(250));
            await Task.Delay(10);
        }

        using var next = await waiting.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(next.IsAcquired);
        // Disposed twice, the first lease gave back one slot, not two.
        Assert.False(limiter.AttemptAcquire(new DefenderQuotaRequest(ListSecureScores, "tenant-f")).IsAcquired);
    }

    [Fact]
    public void A_permit_is_one_request()
    {
        using var limiter = new DefenderQuotaLimiter(timeProvider: _time);
        Assert.Throws<ArgumentOutOfRangeException>(() => limiter.AttemptAcquire(new DefenderQuotaRequest(Hunting, "tenant-h"), 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DefenderQuotaLimiter(new DefenderQuotaOptions { MaxWait = TimeSpan.FromSeconds(-1) }));

        // Looking takes nothing.
        for (var i = 0; i < 100; i++)
        {
            Assert.True(limiter.AttemptAcquire(new DefenderQuotaRequest(Hunting, "tenant-h"), 0).IsAcquired);
        }

        for (var i = 0; i < 45; i++)
        {
            Assert.True(limiter.AttemptAcquire(new DefenderQuotaRequest(Hunting, "tenant-h")).IsAcquired);
        }

        Assert.False(limiter.AttemptAcquire(new DefenderQuotaRequest(Hunting, "tenant-h"), 0).IsAcquired);
    }

    [Fact]
    public async Task Idle_tenants_are_dropped_while_paused_ones_and_ones_with_requests_in_flight_are_kept()
    {
        var store = new LocalQuotaStore(_time);
        var hunting = DefenderQuota.For(Hunting);
        for (var i = 0; i < 1000; i++)
        {
            await store.TryTakeAsync($"tenant-{i}:{hunting.Family}", hunting, 1, "", CancellationToken.None);
        }

        await store.PauseAsync("paused:" + hunting.Family, TimeSpan.FromMinutes(10), CancellationToken.None);
        var scores = DefenderQuota.For(ListSecureScores);
        Assert.True((await store.TryTakeAsync("busy:" + scores.Family, scores, 1, "request-1", CancellationToken.None)).Granted);
        Assert.Equal(1002, store.KeyCount);

        // Past the minute the thousand tenants used: what they counted limits nothing any more. The pause has a minute
        // to go and the Secure Score request is still in flight.
        _time.Advance(TimeSpan.FromMinutes(9));
        await store.TryTakeAsync("newcomer:" + hunting.Family, hunting, 1, "", CancellationToken.None);
        Assert.Equal(3, store.KeyCount);
        Assert.False((await store.TryTakeAsync("paused:" + hunting.Family, hunting, 1, "", CancellationToken.None)).Granted);

        // The request in flight still holds its slot after the sweep.
        for (var i = 0; i < 3; i++)
        {
            Assert.True((await store.TryTakeAsync("busy:" + scores.Family, scores, 1, $"request-{i + 2}", CancellationToken.None)).Granted);
        }

        Assert.False((await store.TryTakeAsync("busy:" + scores.Family, scores, 1, "request-5", CancellationToken.None)).Granted);
    }

    [Fact]
    public async Task A_store_that_answers_a_negative_wait_is_asked_again_instead_of_failing_the_call()
    {
        var store = new AnsweringStore(new DefenderQuotaDecision(false, TimeSpan.FromSeconds(-5)), DefenderQuotaDecision.Grant);
        using var limiter = new DefenderQuotaLimiter(sharedStore: store);

        using var lease = await limiter.AcquireAsync(new DefenderQuotaRequest(Hunting, "tenant-i")).AsTask().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(lease.IsAcquired);
        Assert.Equal(2, store.Asked);
    }

    /// <summary>A third-party store that answers what it is told, in order (then grants).</summary>
    private sealed class AnsweringStore(params DefenderQuotaDecision[] answers) : IDefenderQuotaStore
    {
        private int _asked;

        public int Asked => _asked;

        public ValueTask<DefenderQuotaDecision> TryTakeAsync(string key, DefenderQuota quota, int count, string requestId, CancellationToken cancellationToken)
        {
            var n = Interlocked.Increment(ref _asked);
            return ValueTask.FromResult(n <= answers.Length ? answers[n - 1] : DefenderQuotaDecision.Grant);
        }

        public ValueTask ReleaseAsync(string key, string requestId, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask PauseAsync(string key, TimeSpan duration, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
