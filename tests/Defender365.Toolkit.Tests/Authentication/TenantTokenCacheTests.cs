using Azure.Core;
using Defender365.Toolkit.Authentication;
using Defender365.Toolkit.Tests.SharedCache;
using Microsoft.Extensions.Time.Testing;

namespace Defender365.Toolkit.Tests.Authentication;

/// <summary>
/// The cache behind DefenderAppCredential, with the system clock (the tick-count path production uses), and its bound
/// on a fake clock.
/// </summary>
public sealed class TenantTokenCacheTests
{
    private static readonly TimeSpan Margin = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task Serves_a_token_until_expiry_minus_margin_then_asks_again_as_stale()
    {
        var cache = new TenantTokenCache(TimeProvider.System, Margin);
        var key = new TokenKey("tenant-a", "scope/.default");
        var calls = new List<TokenStaleness>();
        Task<AccessToken> Acquire(TokenKey k, TokenStaleness stale)
        {
            calls.Add(stale);
            // Valid for 2 s beyond the margin: room for a slow machine between acquiring and the first lookup.
            return Task.FromResult(new AccessToken($"token-{calls.Count}", DateTimeOffset.UtcNow + Margin + TimeSpan.FromSeconds(2)));
        }

        Assert.Equal("token-1", (await cache.GetOrAcquireAsync(key, Acquire, CancellationToken.None)).Token);
        Assert.True(cache.TryGet(key, out var hit));
        Assert.Equal("token-1", hit.Token);

        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Assert.False(cache.TryGet(key, out _));
        Assert.Equal("token-2", (await cache.GetOrAcquireAsync(key, Acquire, CancellationToken.None)).Token);
        Assert.Equal([TokenStaleness.None, TokenStaleness.Expired], calls);
    }

    [Fact]
    public async Task A_token_already_inside_the_margin_is_returned_but_not_cached()
    {
        var cache = new TenantTokenCache(TimeProvider.System, Margin);
        var key = new TokenKey("tenant-b", "scope/.default");
        var token = await cache.GetOrAcquireAsync(key, (_, _) => Task.FromResult(new AccessToken("short", DateTimeOffset.UtcNow.AddMinutes(2))), CancellationToken.None);
        Assert.Equal("short", token.Token);
        Assert.False(cache.TryGet(key, out _));
    }

    [Fact]
    public async Task Tenants_and_scopes_never_share_entries()
    {
        var cache = new TenantTokenCache(TimeProvider.System, Margin);
        var expires = DateTimeOffset.UtcNow.AddHours(1);
        foreach (var (tenant, scope) in new[] { ("t1", "a"), ("t2", "a"), ("t1", "b") })
        {
            await cache.GetOrAcquireAsync(new TokenKey(tenant, scope), (k, _) => Task.FromResult(new AccessToken($"{k.TenantId}|{k.Scope}", expires)), CancellationToken.None);
        }

        foreach (var (tenant, scope) in new[] { ("t1", "a"), ("t2", "a"), ("t1", "b") })
        {
            Assert.True(cache.TryGet(new TokenKey(tenant, scope), out var token));
            Assert.Equal($"{tenant}|{scope}", token.Token);
        }

        Assert.False(cache.TryGet(new TokenKey("t2", "b"), out _));
    }

    [Fact]
    public async Task A_failed_acquisition_is_not_cached_and_the_next_call_tries_again()
    {
        var cache = new TenantTokenCache(TimeProvider.System, Margin);
        var key = new TokenKey("tenant-c", "s");
        await Assert.ThrowsAsync<InvalidOperationException>(() => cache.GetOrAcquireAsync(key, (_, _) => Task.FromException<AccessToken>(new InvalidOperationException("down")), CancellationToken.None));
        var token = await cache.GetOrAcquireAsync(key, (_, _) => Task.FromResult(new AccessToken("ok", DateTimeOffset.UtcNow.AddHours(1))), CancellationToken.None);
        Assert.Equal("ok", token.Token);
    }

    [Fact]
    public async Task A_waiter_that_cancels_does_not_cancel_the_shared_acquisition()
    {
        var cache = new TenantTokenCache(TimeProvider.System, Margin);
        var key = new TokenKey("tenant-d", "s");
        var release = new TaskCompletionSource<AccessToken>();
        using var cancel = new CancellationTokenSource();
        var first = cache.GetOrAcquireAsync(key, (_, _) => release.Task, cancel.Token);
        var second = cache.GetOrAcquireAsync(key, (_, _) => throw new InvalidOperationException("must share the first acquisition"), CancellationToken.None);

        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        release.SetResult(new AccessToken("shared", DateTimeOffset.UtcNow.AddHours(1)));
        Assert.Equal("shared", (await second).Token);
    }

    [Fact]
    public async Task Past_its_capacity_it_keeps_the_tenants_in_use_and_drops_the_others_first()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var logs = new RecordingLoggerFactory();
        var cache = new TenantTokenCache(clock, Margin, capacity: 1_000, logs.CreateLogger("test"));
        var acquired = new List<string>();
        Task<AccessToken> Acquire(TokenKey key, TokenStaleness _)
        {
            acquired.Add(key.TenantId);
            return Task.FromResult(new AccessToken(key.TenantId, clock.GetUtcNow().AddHours(1)));
        }

        // 1,000 tenants fill it; 100 of them stay in use while 500 new ones arrive.
        var first = Enumerable.Range(0, 1_000).Select(i => new TokenKey($"old-{i}", "s")).ToList();
        foreach (var key in first)
        {
            await cache.GetOrAcquireAsync(key, Acquire, CancellationToken.None);
        }

        var inUse = first.Take(100).ToList();
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.All(inUse, key => Assert.True(cache.TryGet(key, out _)));
        for (var i = 0; i < 500; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            await cache.GetOrAcquireAsync(new TokenKey($"new-{i}", "s"), Acquire, CancellationToken.None);
            Assert.All(inUse.Skip(i % 10 * 10).Take(10), key => Assert.True(cache.TryGet(key, out _)));
            Assert.InRange(cache.Count, 1, 1_001);
        }

        // Every tenant in use kept its token; the bound was held; the drop was reported, once.
        Assert.All(inUse, key => Assert.True(cache.TryGet(key, out var token) && token.Token == key.TenantId));
        Assert.Equal(1_500, acquired.Count);
        Assert.InRange(cache.Count, 900, 1_000);
        Assert.Equal(1, logs.Count("TokenCacheFull"));
    }

    [Fact]
    public async Task Tokens_that_stopped_being_served_are_swept_and_a_refused_mark_outlives_the_refusal()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var cache = new TenantTokenCache(clock, Margin);
        var staleness = new Dictionary<string, TokenStaleness>();
        Task<AccessToken> Acquire(TokenKey key, TokenStaleness stale)
        {
            staleness[key.TenantId] = stale;
            var lifetime = key.TenantId.StartsWith("short", StringComparison.Ordinal) ? TimeSpan.FromMinutes(10) : TimeSpan.FromHours(2);
            return Task.FromResult(new AccessToken($"{key.TenantId}-token", clock.GetUtcNow() + lifetime));
        }

        for (var i = 0; i < 50; i++)
        {
            await cache.GetOrAcquireAsync(new TokenKey($"short-{i}", "s"), Acquire, CancellationToken.None);
            await cache.GetOrAcquireAsync(new TokenKey($"long-{i}", "s"), Acquire, CancellationToken.None);
        }

        var refused = new TokenKey("long-0", "s");
        Assert.True(cache.TryInvalidate(refused, "long-0-token", TimeSpan.FromMinutes(1)));
        Assert.Equal(100, cache.Count);

        // The short tokens stop being served after 5 minutes (10 minus the margin), and are swept a sweep interval later;
        // the refused token's mark, 6 minutes old, goes at the first sweep.
        clock.Advance(TimeSpan.FromMinutes(6));
        cache.SweepIfDue();
        Assert.Equal(99, cache.Count);
        clock.Advance(TenantTokenCache.SweepInterval);
        cache.SweepIfDue();
        Assert.Equal(49, cache.Count);

        // A fresh mark is kept through the next sweep, so the acquisition after it still skips copies of the token.
        Assert.False(cache.TryGet(refused, out _));
        await cache.GetOrAcquireAsync(refused, Acquire, CancellationToken.None);
        Assert.True(cache.TryInvalidate(refused, "long-0-token", TimeSpan.FromMinutes(1)));
        clock.Advance(TenantTokenCache.SweepInterval);
        cache.SweepIfDue();
        Assert.Equal(50, cache.Count);
        await cache.GetOrAcquireAsync(refused, Acquire, CancellationToken.None);
        Assert.Equal(TokenStaleness.Refused, staleness["long-0"]);
        Assert.True(cache.TryGet(new TokenKey("long-49", "s"), out _));
    }
}
