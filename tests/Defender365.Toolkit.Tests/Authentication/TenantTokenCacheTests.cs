using Azure.Core;
using Defender365.Toolkit.Authentication;

namespace Defender365.Toolkit.Tests.Authentication;

/// <summary>The cache behind DefenderAppCredential, with the system clock (the tick-count path production uses).</summary>
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
}
