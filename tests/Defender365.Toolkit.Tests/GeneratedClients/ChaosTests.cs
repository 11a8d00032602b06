using System.Security.Cryptography;
using Defender365.Toolkit.Authentication;
using Defender365.Toolkit.Emulator;
using Defender365.Toolkit.Http;
using Defender365.Toolkit.Tests.Generated;

namespace Defender365.Toolkit.Tests.GeneratedClients;

/// <summary>
/// A generated client pages 2,000 incidents through an emulator that fails a fifth of all requests in the ways
/// production does (dropped mid-body, reset, lying about its length, stalled, held, throttled three ways, 5xx): every
/// item arrives exactly once, no page takes more attempts than the retry budget, and a page whose budget is spent ends
/// in the typed error. The larger runs (12,000 items, 250 tenants) are in the benchmark project.
/// </summary>
public sealed class ChaosTests : IAsyncLifetime
{
    private const int Items = 2_000;
    private const int MaxRetries = 5;
    private readonly string _secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
    private DefenderEmulator _emulator = null!;

    // 7 rules at about 3.2 % each: one request in five fails.
    private const string MixedFaults = """
        {
          "seed": 20261201,
          "rules": [
            { "fault": "dropMidBody",          "probability": 0.032, "operation": "ListIncidents" },
            { "fault": "connectionReset",      "probability": 0.032, "operation": "ListIncidents" },
            { "fault": "lyingContentLength",   "probability": 0.032, "operation": "ListIncidents" },
            { "fault": "stallBody",            "probability": 0.032, "operation": "ListIncidents", "seconds": 5 },
            { "fault": "throttleRetryAfterMs", "probability": 0.032, "operation": "ListIncidents", "seconds": 0.05 },
            { "fault": "throttleInBody",       "probability": 0.032, "operation": "ListIncidents", "seconds": 1 },
            { "fault": "serverError",          "probability": 0.032, "operation": "ListIncidents", "status": 503 }
          ]
        }
        """;

    public async Task InitializeAsync()
    {
        var options = EmulatorOptions.CreateDemo(_secret);
        options.IncidentsPerTenant = Items;
        _emulator = await DefenderEmulator.StartAsync(options);
    }

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    private DefenderTenantClient Tenant(Action<DefenderClientOptions>? configure = null)
    {
        var credential = DefenderAppCredential.FromClientSecret(EmulatorOptions.DemoClientId, _secret, _emulator.CreateCredentialOptions("*"));
        var options = _emulator.CreateClientOptions();
        options.Retry.MaxRetries = MaxRetries;
        options.Retry.Delay = TimeSpan.FromMilliseconds(20);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(2);
        // A stalled body is a timeout after this long, not a 100-second wait.
        options.Retry.NetworkTimeout = TimeSpan.FromMilliseconds(400);
        configure?.Invoke(options);
        return new DefenderClient(new DefenderOperationInvoker(credential, options)).ForTenant(EmulatorOptions.ContosoTenantId);
    }

    [Fact]
    public async Task Every_item_arrives_exactly_once_through_a_fifth_of_requests_failing()
    {
        _emulator.Faults.Apply(EmulatorFaultProfile.Parse(MixedFaults));
        var ids = new List<long>();
        var pages = 0;
        await foreach (var page in Tenant().Incidents.ListIncidentsAsync().AsPages())
        {
            pages++;
            ids.AddRange(page.Values.Select(i => i.IncidentId));
        }

        var requests = _emulator.Statistics.ApiCalls("ListIncidents");
        Assert.Equal(Items, ids.Count);
        Assert.Equal(Items, ids.Distinct().Count());
        // Faults did happen, and within the budget: at most 1 + MaxRetries requests per page (the last, empty one included).
        Assert.Equal(Items / 100 + 1, pages);
        Assert.InRange(requests, pages + 2, pages * (1 + MaxRetries));
    }

    [Fact]
    public async Task A_page_whose_retry_budget_is_spent_ends_in_the_typed_error_with_its_attempts()
    {
        _emulator.Faults.Apply(EmulatorFaultProfile.Parse("""{ "rules": [ { "fault": "dropMidBody", "operation": "ListIncidents", "afterBytes": 40 } ] }"""));
        var read = 0;

        var error = await Assert.ThrowsAsync<DefenderRequestException>(async () =>
        {
            // Every attempt is dropped, none stalls: a generous timeout keeps a slow, loaded machine from turning a drop
            // into a timeout (the 400 ms of the mixed run is for its stalled bodies).
            await foreach (var _ in Tenant(o => (o.Retry.MaxRetries, o.Retry.NetworkTimeout) = (3, TimeSpan.FromSeconds(30))).Incidents.ListIncidentsAsync())
            {
                read++;
            }
        });

        Assert.Equal(0, read);
        Assert.Equal(DefenderRequestFailure.Network, error.Failure);
        Assert.Equal(4, error.Attempts);
        Assert.Equal(4, _emulator.Statistics.ApiCalls("ListIncidents"));
        Assert.Equal("ListIncidents", error.OperationId);
        Assert.Equal(EmulatorOptions.ContosoTenantId, error.TenantId);
    }
}
