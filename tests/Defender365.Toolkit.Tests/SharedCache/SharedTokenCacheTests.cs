using System.Security.Cryptography;
using System.Text;
using Defender365.Toolkit.Authentication.SharedCache;
using Defender365.Toolkit.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Defender365.Toolkit.Tests.SharedCache;

/// <summary>
/// Several instances of one app (each its own credential, MSAL, token cache and Redis connection) sharing tokens through
/// a real redis-server, against the emulator's token service: how many token requests reach it, what Redis holds, and
/// what happens when Redis goes away.
/// </summary>
public sealed class SharedTokenCacheTests(ScaleOutFixture fixture) : IClassFixture<ScaleOutFixture>
{
    // A machine running the whole suite on two cores can stall any call for a second; these tests are about sharing and
    // outages, not about telling a slow Redis from a stalled process, so they give Redis time to answer.
    private static readonly DefenderSharedTokenCacheOptions Patient = new() { OperationTimeout = TimeSpan.FromSeconds(10) };

    // The same, and tried again soon after an outage, so the tests see the shared cache come back within their run.
    private static readonly DefenderSharedTokenCacheOptions QuickRetry = new() { OperationTimeout = TimeSpan.FromSeconds(10), RetryAfterFailure = TimeSpan.FromMilliseconds(300) };

    [RedisFact]
    public async Task Four_instances_asking_for_a_thousand_cold_tenants_at_once_make_one_token_request_per_tenant()
    {
        var tenants = fixture.Tenants(1000);
        var instances = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => fixture.StartInstanceAsync(options: Patient)));
        try
        {
            var differing = 0;
            await Parallel.ForEachAsync(tenants, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (tenant, _) =>
            {
                // The four instances ask for the same tenant at the same moment, as replicas behind a load balancer do.
                var tokens = await Task.WhenAll(instances.Select(i => i.TokenAsync(tenant)));
                if (tokens.Distinct(StringComparer.Ordinal).Count() != 1)
                {
                    Interlocked.Increment(ref differing);
                }
            });

            Assert.Equal(1000, fixture.TokenRequests(tenants));
            Assert.Equal(0, differing);
            Assert.All(instances, i => Assert.Equal(0, i.Logs.Count("SharedCacheUnavailable")));
        }
        finally
        {
            foreach (var instance in instances)
            {
                await instance.DisposeAsync();
            }
        }
    }

    [RedisFact]
    public async Task A_new_instance_starts_with_the_tokens_the_others_hold()
    {
        var tenants = fixture.Tenants(50);
        await using var first = await fixture.StartInstanceAsync(options: Patient);
        foreach (var tenant in tenants)
        {
            await first.TokenAsync(tenant);
        }

        await using var scaledOut = await fixture.StartInstanceAsync(options: Patient);
        foreach (var tenant in tenants)
        {
            Assert.Equal(await first.TokenAsync(tenant), await scaledOut.TokenAsync(tenant));
        }

        Assert.Equal(50, fixture.TokenRequests(tenants));
    }

    [RedisFact]
    public async Task Redis_holds_neither_tokens_nor_tenant_ids_and_its_entries_are_no_use_without_the_key()
    {
        var tenants = fixture.Tenants(3);
        await using var app = await fixture.StartInstanceAsync(options: Patient);
        var tokens = new List<string>();
        foreach (var tenant in tenants)
        {
            tokens.Add(await app.TokenAsync(tenant));
        }

        // Everything Redis has, as a dump or a stolen connection would show it.
        await using var admin = await ConnectionMultiplexer.ConnectAsync(fixture.Redis!.Configuration + ",allowAdmin=true");
        var server = admin.GetServer(admin.GetEndPoints()[0]);
        var everything = new StringBuilder();
        await foreach (var key in server.KeysAsync(pattern: "*"))
        {
            everything.Append((string?)key).Append('\n');
            if (await admin.GetDatabase().KeyTypeAsync(key) == RedisType.Hash)
            {
                foreach (var field in await admin.GetDatabase().HashGetAllAsync(key))
                {
                    everything.Append(Encoding.Latin1.GetString((byte[])field.Value!)).Append('\n');
                }
            }
        }

        var dump = everything.ToString();
        Assert.Contains("defender365:token:", dump, StringComparison.Ordinal);
        foreach (var (tenant, token) in tenants.Zip(tokens))
        {
            Assert.DoesNotContain(tenant, dump, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(token[..40], dump, StringComparison.Ordinal);
            Assert.DoesNotContain(token.Split('.')[1][..20], dump, StringComparison.Ordinal);
        }

        // An instance with another key reads nothing useful there: it asks the token service and goes on.
        await using var otherKey = await fixture.StartInstanceAsync(key: RandomNumberGenerator.GetBytes(32), options: Patient);
        Assert.NotEqual(tokens[0], await otherKey.TokenAsync(tenants[0]));
        Assert.Equal(2, fixture.Emulator.Statistics.TokenRequests(tenants[0]));
    }

    [RedisFact]
    public async Task Redis_stopped_mid_run_fails_no_call_is_reported_once_and_is_used_again_after_its_restart()
    {
        var tenants = fixture.Tenants(300);
        var restart = await RedisServer.StartAsync();
        try
        {
            var instances = await Task.WhenAll(fixture.StartInstanceAsync(restart.Configuration, options: QuickRetry), fixture.StartInstanceAsync(restart.Configuration, options: QuickRetry));
            var done = 0;
            var stopped = Task.CompletedTask;
            await Parallel.ForEachAsync(tenants, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (tenant, _) =>
            {
                if (Interlocked.Increment(ref done) == 100)
                {
                    stopped = restart.StopAsync();
                }

                // Any exception here fails the test: a call must never fail because Redis did.
                await Task.WhenAll(instances.Select(i => i.TokenAsync(tenant)));
            });
            await stopped;

            Assert.All(instances, i => Assert.Equal(1, i.Logs.Count("SharedCacheUnavailable")));
            Assert.All(instances, i => Assert.DoesNotContain(i.Logs.Entries, e => e.Level >= LogLevel.Error));

            // Back after a restart: the instances find Redis again by themselves, and share again.
            await restart.StartAgainAsync();
            var fresh = fixture.Tenants(1)[0];
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (instances.Any(i => i.Logs.Count("SharedCacheRecovered") == 0) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
                foreach (var instance in instances)
                {
                    await instance.TokenAsync(fixture.Tenants(1)[0]);
                }
            }

            Assert.All(instances, i => Assert.Equal(1, i.Logs.Count("SharedCacheRecovered")));
            await instances[0].TokenAsync(fresh);
            await instances[1].TokenAsync(fresh);
            Assert.Equal(1, fixture.Emulator.Statistics.TokenRequests(fresh));

            foreach (var instance in instances)
            {
                await instance.DisposeAsync();
            }
        }
        finally
        {
            await restart.DisposeAsync();
        }
    }

    [RedisFact]
    public async Task A_disposed_shared_cache_is_left_out_and_the_credential_still_serves_tokens()
    {
        var tenants = fixture.Tenants(2);
        await using var app = await fixture.StartInstanceAsync(options: Patient);
        app.Shared.Dispose();

        Assert.False(app.Shared.IsAvailable);
        await app.TokenAsync(tenants[0]);

        // Nothing was written under a forgotten key: another instance asks the token service itself.
        await using var other = await fixture.StartInstanceAsync(options: Patient);
        await other.TokenAsync(tenants[0]);
        Assert.Equal(2, fixture.Emulator.Statistics.TokenRequests(tenants[0]));
    }

    [RedisFact]
    public async Task With_no_Redis_at_all_every_call_is_served_and_the_outage_is_logged_once()
    {
        var tenants = fixture.Tenants(20);
        // A port nothing listens on: connection refused, as for a Redis that is down at start.
        var nowhere = await RedisServer.StartAsync();
        var configuration = nowhere.Configuration;
        await nowhere.DisposeAsync();

        // Created, not started: its first call finds the connection still being attempted, as at an app's start.
        await using var app = fixture.CreateInstance(configuration);
        foreach (var tenant in tenants)
        {
            await app.TokenAsync(tenant);
            await app.TokenAsync(tenant);
        }

        Assert.Equal(20, fixture.TokenRequests(tenants));
        Assert.Equal(1, app.Logs.Count("SharedCacheUnavailable"));
        Assert.False(app.Shared.IsAvailable);
    }
}
