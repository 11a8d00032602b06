using Azure;
using Defender365.Toolkit.Catalog;
using Defender365.Toolkit.Emulator;
using Defender365.Toolkit.Http;
using Defender365.Toolkit.Quotas;
using Defender365.Toolkit.Redis;
using Defender365.Toolkit.Tests.Infrastructure;
using Defender365.Toolkit.Tests.SharedCache;

namespace Defender365.Toolkit.Tests.Quotas;

/// <summary>
/// Several instances of one app counting against the same per-tenant quotas through a real redis-server, against the
/// emulator's quotas: what reaches the service, who waits, and what happens when Redis goes away.
/// </summary>
public sealed class SharedQuotaTests(ScaleOutFixture fixture) : IClassFixture<ScaleOutFixture>
{
    private static readonly DefenderOperation ListIncidents = DefenderCatalog.Default.GetOperation("ListIncidents");
    private static readonly DefenderOperation Hunting = DefenderCatalog.Default.GetOperation("RunAdvancedHuntingQuery");
    private static readonly DefenderOperation ListSecureScores = DefenderCatalog.Default.GetOperation("GraphSecurity.ListSecureScores");

    [RedisFact]
    public async Task Four_instances_sharing_quotas_keep_the_services_per_tenant_count_within_the_limit()
    {
        var (shared, local) = (fixture.Tenants(1)[0], fixture.Tenants(1)[0]);
        // The service counts ListIncidents per tenant: 50 a minute, as documented.
        fixture.Emulator.Faults.Apply(new EmulatorFaultProfile
        {
            Rules = { new EmulatorFaultRule { Fault = EmulatorFaultKind.Quota, Operation = ListIncidents.Id, PerMinute = 50 } },
        });
        try
        {
            // No wait: a call the quota has no room for fails at once without being sent.
            var options = new DefenderQuotaOptions { MaxWait = TimeSpan.Zero, SharedStoreTimeout = TimeSpan.FromSeconds(10) };
            await using var governed = await Instances.StartAsync(fixture, 4, app => DefenderRedis.CreateQuotaLimiter(app.Connection, options));
            var before = fixture.Emulator.Statistics.ApiCalls(ListIncidents.Id);
            var throttledBefore = fixture.Emulator.Statistics.ThrottledCalls(ListIncidents.Id);
            var outcomes = await governed.BurstAsync(ListIncidents, shared, callsPerInstance: 30);

            Assert.Equal(50, outcomes.Count(o => o == "200"));
            Assert.Equal(70, outcomes.Count(o => o == nameof(DefenderRequestFailure.QuotaExhausted)));
            Assert.DoesNotContain("429", outcomes);
            Assert.Equal(50, fixture.Emulator.Statistics.ApiCalls(ListIncidents.Id) - before);
            Assert.Equal(throttledBefore, fixture.Emulator.Statistics.ThrottledCalls(ListIncidents.Id));

            // Each instance counting alone lets its own 30 through: together they overrun the tenant's 50.
            await using var alone = await Instances.StartAsync(fixture, 4, _ => new DefenderQuotaLimiter(options));
            before = fixture.Emulator.Statistics.ApiCalls(ListIncidents.Id);
            var unshared = await alone.BurstAsync(ListIncidents, local, callsPerInstance: 30);
            Assert.Contains("429", unshared);
            Assert.True(fixture.Emulator.Statistics.ApiCalls(ListIncidents.Id) - before > 50);
            Assert.Equal(unshared.Count(o => o == "429"), fixture.Emulator.Statistics.ThrottledCalls(ListIncidents.Id) - throttledBefore);
        }
        finally
        {
            fixture.Emulator.Faults.Apply(null);
        }
    }

    [RedisFact]
    public async Task A_tenant_at_its_hunting_quota_waits_while_ninety_nine_other_tenants_calls_go_through()
    {
        var tenants = fixture.Tenants(100);
        var busy = tenants[0];
        await using var instances = await Instances.StartAsync(fixture, 2, app => DefenderRedis.CreateQuotaLimiter(app.Connection, new DefenderQuotaOptions { SharedStoreTimeout = TimeSpan.FromSeconds(10) }));
        var before = fixture.Emulator.Statistics.ApiCalls(Hunting.Id);

        // Both instances spend the busy tenant's 45 calls of this minute between them.
        await Task.WhenAll(Enumerable.Range(0, 45).Select(i => instances[i % 2].SendAsync(Hunting, busy, HuntingQuery())));

        using var cancel = new CancellationTokenSource();
        var waiting = instances[1].SendAsync(Hunting, busy, HuntingQuery(), cancel.Token);
        var others = await Task.WhenAll(tenants.Skip(1).Select((tenant, i) => instances[i % 2].SendAsync(Hunting, tenant, HuntingQuery())));

        Assert.All(others, r => Assert.Equal(200, r.Status));
        Assert.False(waiting.IsCompleted, "the busy tenant's 46th call went out within the minute");
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Equal(45 + 99, fixture.Emulator.Statistics.ApiCalls(Hunting.Id) - before);
    }

    [RedisFact]
    public async Task Four_instances_hold_at_most_four_secure_score_requests_of_a_tenant_between_them()
    {
        var tenant = fixture.Tenants(1)[0];
        var connections = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => DefenderRedis.ConnectAsync(fixture.Redis!.Configuration)));
        try
        {
            var limiters = connections.Select(c => DefenderRedis.CreateQuotaLimiter(() => Task.FromResult(c), new DefenderQuotaOptions { MaxWait = TimeSpan.Zero, SharedStoreTimeout = TimeSpan.FromSeconds(10) })).ToArray();
            var request = new DefenderQuotaRequest(ListSecureScores, tenant);
            var leases = limiters.SelectMany(l => Enumerable.Range(0, 3).Select(_ => l.AttemptAcquire(request))).ToArray();

            Assert.Equal(4, leases.Count(l => l.IsAcquired));
            leases.First(l => l.IsAcquired).Dispose();
            // The slot is given back in the background: the next request gets it soon after.
            var again = await RetryAsync(() => Task.FromResult(limiters[3].AttemptAcquire(request)), l => l.IsAcquired);
            Assert.True(again.IsAcquired);

            // Redis holds counts under the tenant and quota, nothing of a call or a token.
            var keys = connections[0].GetServer(connections[0].GetEndPoints()[0]).Keys(pattern: "defender365:quota:*").Select(k => k.ToString()).ToArray();
            Assert.Contains($"defender365:quota:{{{tenant}:GraphSecurity.SecureScore}}", keys);
            Assert.Contains($"defender365:quota:{{{tenant}:GraphSecurity.SecureScore}}:inflight", keys);
        }
        finally
        {
            foreach (var connection in connections)
            {
                connection.Dispose();
            }
        }
    }

    [RedisFact]
    public async Task Redis_stopped_mid_run_fails_no_call_the_quota_is_counted_in_process_and_shared_again_when_it_is_back()
    {
        var tenants = fixture.Tenants(40);
        var options = new DefenderQuotaOptions { SharedStoreTimeout = TimeSpan.FromSeconds(5), RetryAfterFailure = TimeSpan.FromMilliseconds(300) };
        await using var instances = await Instances.StartAsync(fixture, 1, app => DefenderRedis.CreateQuotaLimiter(app.Connection, options, app.Logs));
        var instance = instances[0];
        foreach (var tenant in tenants.Take(20))
        {
            Assert.Equal(200, (await instance.SendAsync(ListIncidents, tenant)).Status);
        }

        Assert.True(instance.Limiter.IsShared);
        await fixture.Redis!.StopAsync();
        try
        {
            foreach (var tenant in tenants.Skip(20))
            {
                Assert.Equal(200, (await instance.SendAsync(ListIncidents, tenant)).Status);
            }

            // Said once for the outage, not per call (the store is tried again every 300 ms, and fails each time).
            Assert.Equal(1, instance.Logs.Count("SharedQuotasUnavailable"));
        }
        finally
        {
            await fixture.Redis.StartAgainAsync();
        }

        await RetryAsync(async () => (await instance.SendAsync(ListIncidents, tenants[0])).Status, _ => instance.Limiter.IsShared && instance.Logs.Count("SharedQuotasRecovered") == 1);
        Assert.True(instance.Limiter.IsShared);
        Assert.Equal(1, instance.Logs.Count("SharedQuotasRecovered"));
    }

    private static DefenderRequestArguments HuntingQuery() =>
        new() { Body = BinaryData.FromString("""{"Query":"DeviceInfo | take 1"}""") };

    private static async Task<T> RetryAsync<T>(Func<Task<T>> attempt, Func<T, bool> done)
    {
        var value = await attempt();
        for (var i = 0; i < 100 && !done(value); i++)
        {
            await Task.Delay(100);
            value = await attempt();
        }

        return value;
    }

    /// <summary>Instances of one app: each its own credential, Redis connection, quota governor and invoker.</summary>
    private sealed class Instances : IAsyncDisposable
    {
        private readonly List<(AppInstance App, Instance Client)> _all = [];

        public Instance this[int index] => _all[index].Client;

        public static async Task<Instances> StartAsync(ScaleOutFixture fixture, int count, Func<AppInstance, DefenderQuotaLimiter> governor)
        {
            var instances = new Instances();
            for (var i = 0; i < count; i++)
            {
                var app = await fixture.StartInstanceAsync();
                var options = fixture.Emulator.CreateClientOptions();
                options.Retry.MaxRetries = 0;
                options.QuotaLimiter = governor(app);
                instances._all.Add((app, new Instance(new DefenderOperationInvoker(app.Credential, options), options.QuotaLimiter, app.Logs)));
            }

            return instances;
        }

        /// <summary>Every instance sends its calls for one tenant at once: the status of each, or why it was not sent.</summary>
        public async Task<string[]> BurstAsync(DefenderOperation operation, string tenant, int callsPerInstance)
        {
            // Tokens first, so the burst is the calls themselves.
            foreach (var (app, _) in _all)
            {
                await app.TokenAsync(tenant);
            }

            return await Task.WhenAll(_all.SelectMany(i => Enumerable.Range(0, callsPerInstance).Select(async _ =>
            {
                try
                {
                    return (await i.Client.SendAsync(operation, tenant)).Status.ToString(System.Globalization.CultureInfo.InvariantCulture);
                }
                catch (DefenderRequestException exception) when (exception.Failure == DefenderRequestFailure.QuotaExhausted)
                {
                    return nameof(DefenderRequestFailure.QuotaExhausted);
                }
                catch (RequestFailedException exception)
                {
                    return exception.Status.ToString(System.Globalization.CultureInfo.InvariantCulture);
                }
            })));
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var (app, client) in _all)
            {
                client.Limiter.Dispose();
                await app.DisposeAsync();
            }
        }
    }

    private sealed record Instance(DefenderOperationInvoker Invoker, DefenderQuotaLimiter Limiter, RecordingLoggerFactory Logs)
    {
        public Task<Response> SendAsync(DefenderOperation operation, string tenant, DefenderRequestArguments? arguments = null, CancellationToken cancellationToken = default) =>
            Invoker.SendAsync(operation, tenant, arguments, cancellationToken);
    }
}
