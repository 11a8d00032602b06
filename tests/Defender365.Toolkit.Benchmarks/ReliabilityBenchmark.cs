using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using Azure.Core;
using Defender365.Toolkit.Authentication;
using Defender365.Toolkit.Authorization;
using Defender365.Toolkit.Benchmarks.Defender;
using Defender365.Toolkit.Catalog;
using Defender365.Toolkit.Emulator;
using Defender365.Toolkit.Http;

namespace Defender365.Toolkit.Benchmarks;

/// <summary>
/// The field runs behind the chaos test, at full size: a generated client paging 12,000 incidents through 20 % mixed
/// faults, and 250 tenants called by concurrent callers through faults, with every token's tenant checked. Prints what
/// happened; asserts nothing (the suite's ChaosTests and TokenTrustTests do, at a size CI can afford).
/// </summary>
internal static class ReliabilityBenchmark
{
    private const string MixedFaults = """
        {
          "seed": 12000,
          "rules": [
            { "fault": "dropMidBody",          "probability": 0.032 },
            { "fault": "connectionReset",      "probability": 0.032 },
            { "fault": "lyingContentLength",   "probability": 0.032 },
            { "fault": "stallBody",            "probability": 0.032, "seconds": 5 },
            { "fault": "throttleRetryAfterMs", "probability": 0.032, "seconds": 0.05 },
            { "fault": "throttleInBody",       "probability": 0.032, "seconds": 1 },
            { "fault": "serverError",          "probability": 0.032, "status": 503 }
          ]
        }
        """;

    public static async Task RunAsync()
    {
        await PageThroughFaultsAsync(12_000);
        await ManyTenantsAsync(tenants: 250, callers: 32, calls: 3_840, faults: false);
        await ManyTenantsAsync(tenants: 250, callers: 32, calls: 3_840, faults: true);
    }

    private static async Task PageThroughFaultsAsync(int items)
    {
        Console.WriteLine();
        Console.WriteLine($"Paging {items:N0} incidents through 20 % mixed faults (generated client, in-process emulator)");
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
        var options = EmulatorOptions.CreateDemo(secret);
        options.IncidentsPerTenant = items;
        await using var emulator = await DefenderEmulator.StartAsync(options);
        emulator.Faults.Apply(EmulatorFaultProfile.Parse(MixedFaults));

        var tenant = new DefenderClient(new DefenderOperationInvoker(Credential(emulator, secret), ClientOptions(emulator))).ForTenant(EmulatorOptions.ContosoTenantId);
        var watch = Stopwatch.StartNew();
        var ids = new List<long>();
        var pages = 0;
        string outcome;
        try
        {
            await foreach (var page in tenant.Incidents.ListIncidentsAsync().AsPages())
            {
                pages++;
                ids.AddRange(page.Values.Select(i => i.IncidentId));
            }

            outcome = "completed";
        }
        catch (DefenderRequestException e)
        {
            outcome = $"{e.Failure} after {e.Attempts} attempts on one page";
        }

        var requests = emulator.Statistics.ApiCalls("ListIncidents");
        Console.WriteLine($"  {outcome} in {watch.Elapsed.TotalSeconds:F1} s: {ids.Count:N0} items, {ids.Distinct().Count():N0} distinct, {pages} pages, {requests} requests ({requests - pages} retried)");
    }

    private static async Task ManyTenantsAsync(int tenants, int callers, int calls, bool faults)
    {
        Console.WriteLine();
        Console.WriteLine($"{calls:N0} calls over {tenants} tenants by {callers} concurrent callers, {(faults ? "20 % mixed faults" : "no faults")}, every token's tid checked");
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
        var options = EmulatorOptions.CreateDemo(secret);
        options.IncidentsPerTenant = 5;
        var ids = new List<string>();
        var idsByName = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 1; i <= tenants; i++)
        {
            var id = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"b3f36500-0000-4000-8000-{i:D12}");
            var domain = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"tenant{i}.onmicrosoft.com");
            options.AddTenant(id, $"Tenant {i}", domain)
                .Consent(EmulatorOptions.DemoClientId, DefenderResourceIds.ThreatProtection, "Incident.Read.All")
                .Consent(EmulatorOptions.DemoClientId, DefenderResourceIds.WindowsDefenderAtp, "Machine.Read.All");
            ids.Add(id);
            idsByName[id] = id;
            idsByName[domain] = id;
        }

        await using var emulator = await DefenderEmulator.StartAsync(options);
        emulator.Faults.Apply(faults ? EmulatorFaultProfile.Parse(MixedFaults) : null);
        var checking = new TenantCheckingCredential(Credential(emulator, secret), idsByName);
        var invoker = new DefenderOperationInvoker(checking, ClientOptions(emulator));
        var operations = new[] { DefenderCatalog.Default.GetOperation("ListIncidents"), DefenderCatalog.Default.GetOperation("ListMachines") };
        var failures = new ConcurrentDictionary<string, int>();
        var next = -1;
        var watch = Stopwatch.StartNew();
        // The degree of parallelism is set: Parallel.ForEachAsync would otherwise run one caller per core.
        await Parallel.ForEachAsync(Enumerable.Range(0, callers), new ParallelOptions { MaxDegreeOfParallelism = callers }, async (_, cancellationToken) =>
        {
            int n;
            while ((n = Interlocked.Increment(ref next)) < calls)
            {
                // Each tenant by id and by domain (both must stay on their tenant), on both APIs.
                var index = n % tenants;
                var tenant = n / tenants % 2 == 0 ? ids[index] : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"tenant{index + 1}.onmicrosoft.com");
                try
                {
                    await invoker.SendAsync(operations[n / (2 * tenants) % operations.Length], tenant, new DefenderRequestArguments { Top = 1 }, cancellationToken);
                }
                catch (Exception e) when (e is DefenderRequestException or DefenderAuthenticationException)
                {
                    failures.AddOrUpdate(e is DefenderRequestException r ? $"{r.Failure} {r.Status}" : ((DefenderAuthenticationException)e).Failure.ToString(), 1, (_, c) => c + 1);
                }
            }
        });

        Console.WriteLine($"  {watch.Elapsed.TotalSeconds:F1} s; {emulator.Statistics.TotalTokenRequests} token requests for {tenants * 2} tenant names × 2 APIs; tokens handed out {checking.Tokens:N0}, for the wrong tenant {checking.WrongTenant}");
        Console.WriteLine($"  API requests {emulator.Statistics.TotalApiCalls:N0}; calls that failed after their retries: {(failures.IsEmpty ? "none" : string.Join(", ", failures.Select(f => $"{f.Key} ×{f.Value}")))}");
    }

    private static DefenderAppCredential Credential(DefenderEmulator emulator, string secret) =>
        DefenderAppCredential.FromClientSecret(EmulatorOptions.DemoClientId, secret, emulator.CreateCredentialOptions("*"));

    private static DefenderClientOptions ClientOptions(DefenderEmulator emulator)
    {
        var options = emulator.CreateClientOptions();
        options.Retry.MaxRetries = 5;
        options.Retry.Delay = TimeSpan.FromMilliseconds(20);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(2);
        options.Retry.NetworkTimeout = TimeSpan.FromMilliseconds(400);
        return options;
    }

    /// <summary>Counts every token handed to the pipeline whose tid is not the tenant the name given stands for.</summary>
    private sealed class TenantCheckingCredential(TokenCredential inner, IReadOnlyDictionary<string, string> tenantIdsByName) : TokenCredential
    {
        private int _tokens;
        private int _wrongTenant;

        public int Tokens => Volatile.Read(ref _tokens);

        public int WrongTenant => Volatile.Read(ref _wrongTenant);

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            Check(requestContext, inner.GetToken(requestContext, cancellationToken));

        public override async ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            Check(requestContext, await inner.GetTokenAsync(requestContext, cancellationToken).ConfigureAwait(false));

        private AccessToken Check(TokenRequestContext request, AccessToken token)
        {
            Interlocked.Increment(ref _tokens);
            if (!string.Equals(tenantIdsByName[request.TenantId!], AccessTokenClaims.Parse(token.Token).TenantId, StringComparison.OrdinalIgnoreCase))
            {
                Interlocked.Increment(ref _wrongTenant);
            }

            return token;
        }
    }
}
