using System.Collections.Concurrent;
using System.Diagnostics;
using Defender365.Toolkit.Diagnostics;
using Defender365.Toolkit.Emulator;
using Defender365.Toolkit.FanOut;
using Defender365.Toolkit.Tests.Generated;
using Defender365.Toolkit.Tests.Infrastructure;

namespace Defender365.Toolkit.Tests.FanOut;

/// <summary>
/// The same work over many tenants: a result per tenant whatever happens to the others, typed outcomes carrying what
/// the user acts on, bounded concurrency, progress, spans, and the caller's cancellation.
/// </summary>
public sealed class FanOutTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>, IDisposable
{
    private const string Contoso = EmulatorOptions.ContosoTenantId;
    private const string Fabrikam = EmulatorOptions.FabrikamTenantId;
    private const string Northwind = EmulatorOptions.NorthwindTenantId;
    private const string Throttled = EmulatorFixture.SecondAllPermissionsTenantId;
    private const string Failing = EmulatorFixture.AllPermissionsTenantId;
    private const string NeverConsented = EmulatorFixture.UnconsentedTenantId;
    private const string NotOnTheList = "0f0e0d0c-0b0a-4009-8807-060504030201";

    public void Dispose() => fixture.Emulator.Faults.Clear();

    [Fact]
    public async Task One_run_gives_every_tenant_its_own_outcome_with_what_acting_on_it_needs()
    {
        fixture.Emulator.Faults.Apply(new EmulatorFaultProfile
        {
            Rules =
            {
                new EmulatorFaultRule { Fault = EmulatorFaultKind.ThrottleRetryAfter, Tenant = Throttled, Seconds = 3600 },
                new EmulatorFaultRule { Fault = EmulatorFaultKind.ServerError, Tenant = Failing, Status = 500 },
            },
        });
        var credential = fixture.CreateCredential(Contoso, Fabrikam, Northwind, Throttled, Failing, NeverConsented);
        var client = new DefenderClient(fixture.CreateInvoker(credential, o => o.Retry.MaxRetries = 1));
        string[] tenants = [Contoso, Fabrikam, Northwind, Throttled, Failing, NeverConsented, NotOnTheList];
        var progress = new Recorder<DefenderFanOutProgress>();

        static async Task<string> Indicators(DefenderTenantClient tenant, CancellationToken cancellationToken)
        {
            var ids = new List<string>();
            await foreach (var indicator in tenant.Indicators.ListIndicatorsAsync(cancellationToken: cancellationToken))
            {
                ids.Add(indicator.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            return string.Join(",", ids);
        }

        var summary = await client.ForTenants(tenants, new DefenderFanOutOptions { MaxConcurrency = 3, Progress = progress }).RunAllAsync(Indicators);

        // In the order given, whatever the order they finished in.
        Assert.Equal(tenants, summary.Results.Select(r => r.TenantId));
        var byTenant = summary.Results.ToDictionary(r => r.TenantId);
        Assert.True(byTenant[Contoso].Succeeded);
        Assert.Equal(await Indicators(client.ForTenant(Contoso), CancellationToken.None), byTenant[Contoso].Value);

        // Consented to Defender for Endpoint but not to indicators, or to nothing of it (its token then has no roles
        // for it, as Entra ID issues one): the permission and the link to grant it.
        foreach (var missing in new[] { byTenant[Fabrikam], byTenant[Northwind] })
        {
            Assert.Equal(DefenderTenantOutcome.MissingPermission, missing.Outcome);
            Assert.Equal("Ti.ReadWrite", missing.MissingPermission);
            Assert.Contains(missing.TenantId, missing.AdminConsentUrl!.AbsoluteUri, StringComparison.Ordinal);
        }

        // No consent at all: no token, and the link.
        Assert.Equal(DefenderTenantOutcome.NotConsented, byTenant[NeverConsented].Outcome);
        Assert.Contains(NeverConsented, byTenant[NeverConsented].AdminConsentUrl!.AbsoluteUri, StringComparison.Ordinal);

        Assert.Equal(DefenderTenantOutcome.Throttled, byTenant[Throttled].Outcome);
        Assert.Equal(TimeSpan.FromHours(1), byTenant[Throttled].RetryAfter);
        Assert.Equal(DefenderTenantOutcome.ServiceError, byTenant[Failing].Outcome);
        Assert.Equal(500, byTenant[Failing].Status);
        Assert.Equal(DefenderTenantOutcome.NotAllowed, byTenant[NotOnTheList].Outcome);
        Assert.Equal(0, fixture.Emulator.Statistics.TokenRequests(NotOnTheList));

        Assert.Equal(1, summary.Succeeded);
        Assert.Equal(6, summary.Failed);
        Assert.Equal("1 of 7 tenants succeeded; NotConsented 1, MissingPermission 2, NotAllowed 1, Throttled 1, ServiceError 1", summary.ToString());

        // Told after each tenant, counting up to all of them.
        Assert.Equal(Enumerable.Range(1, 7), progress.Reports.Select(p => p.Completed).Order());
        var last = progress.Reports.MaxBy(p => p.Completed);
        Assert.Equal((7, 1, 6, 1), (last.Total, last.Succeeded, last.Failed, last.Throttled));
    }

    [Fact]
    public async Task Each_tenant_runs_in_a_span_that_parents_its_calls_and_names_the_outcome()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == DefenderTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        var client = new DefenderClient(fixture.CreateInvoker());

        await client.ForTenants([Contoso, NeverConsented]).RunAllAsync(async (tenant, cancellationToken) => (await tenant.Incidents.GetIncidentAsync(1010, cancellationToken)).Value.IncidentId);

        var tenantSpans = spans.Where(s => s.OperationName == "Defender365 tenant").ToDictionary(s => (string)s.GetTagItem("tenant")!);
        Assert.Equal("Succeeded", tenantSpans[Contoso].GetTagItem("outcome"));
        Assert.Equal(ActivityStatusCode.Error, tenantSpans[NeverConsented].Status);
        Assert.Equal("NotConsented", tenantSpans[NeverConsented].GetTagItem("outcome"));
        var call = spans.Single(s => s.OperationName == "Defender365 GetIncident" && (string?)s.GetTagItem("tenant") == Contoso);
        Assert.Equal(tenantSpans[Contoso].SpanId, call.ParentSpanId);
    }

    [Fact]
    public async Task At_most_the_set_number_of_tenants_run_at_once_each_once_and_a_blank_tenant_is_refused_up_front()
    {
        var tenants = Enumerable.Range(1, 24).Select(i => $"tenant-{i}").Append("TENANT-3").ToList();
        var running = 0;
        var most = 0;
        var fanOut = new DefenderTenantFanOut<string>(tenants, t => t, new DefenderFanOutOptions { MaxConcurrency = 4 });

        var summary = await fanOut.RunAllAsync(async (tenant, cancellationToken) =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref most, now);
            await Task.Delay(20, cancellationToken);
            Interlocked.Decrement(ref running);
            return tenant.Length;
        });

        Assert.Equal(24, summary.Results.Count);
        Assert.True(summary.AllSucceeded);
        Assert.Equal(4, most);
        Assert.Contains("Tenant 3 of the list is blank", Assert.Throws<ArgumentException>(() => new DefenderTenantFanOut<string>(["a", "b", " "], t => t)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new DefenderTenantFanOut<string>(["a"], t => t, new DefenderFanOutOptions { MaxConcurrency = 0 }));
    }

    [Fact]
    public async Task The_callers_cancellation_ends_the_run_and_leaving_the_loop_stops_the_tenants_still_running()
    {
        var tenants = Enumerable.Range(1, 50).Select(i => $"tenant-{i}").ToList();
        var started = 0;
        var cancelledInside = 0;
        async Task<int> Work(string tenant, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref started);
            try
            {
                await Task.Delay(tenant == "tenant-1" ? 0 : 10_000, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                Interlocked.Increment(ref cancelledInside);
                throw;
            }

            return 1;
        }

        // Leaving after the first result: the three others running are cancelled, the rest never start.
        var fanOut = new DefenderTenantFanOut<string>(tenants, t => t, new DefenderFanOutOptions { MaxConcurrency = 4 });
        await foreach (var result in fanOut.RunAsync<int>(Work))
        {
            Assert.Equal("tenant-1", result.TenantId);
            break;
        }

        Assert.InRange(started, 4, 5);
        Assert.Equal(started - 1, cancelledInside);

        // The caller's token: the enumeration throws, it is not a tenant's outcome.
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fanOut.RunAllAsync<int>(Work, cancel.Token));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while (value > (seen = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }

    /// <summary>Keeps every report as it is made (Progress&lt;T&gt; would post them later, to a synchronization context).</summary>
    private sealed class Recorder<T> : IProgress<T>
    {
        private readonly ConcurrentQueue<T> _reports = new();

        public IReadOnlyList<T> Reports => [.. _reports];

        public void Report(T value) => _reports.Enqueue(value);
    }
}
