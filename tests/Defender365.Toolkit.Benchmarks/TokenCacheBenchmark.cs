using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Azure.Core;
using Defender365.Toolkit.Authentication;
using Defender365.Toolkit.Emulator;
using Microsoft.Identity.Client;

namespace Defender365.Toolkit.Benchmarks;

/// <summary>
/// Cached token retrieval, DefenderAppCredential vs MSAL's own cached path, per tenant count; and the cold stampede.
/// </summary>
internal static class TokenCacheBenchmark
{
    private const string ClientId = "5f0e3a43-9b5c-4f2a-9f60-3c1f2b8f6d01";
    private const string Scope = "https://api.security.microsoft.com/.default";

    public static async Task RunAsync(string[] args)
    {
        var tenantCounts = args.SkipWhile(a => a != "--tenants").Skip(1).FirstOrDefault()?.Split(',').Select(int.Parse).ToArray() ?? [1, 1_000, 100_000];
        var degree = Math.Max(2, Environment.ProcessorCount * 2);

        Console.WriteLine($".NET {Environment.Version}, {Environment.ProcessorCount} cores, parallel degree {degree}");

        // Tiered JIT: run the hit path long enough first that the first row is not measured on unoptimized code.
        await WarmUpAsync();

        // First, while no other cache is alive (this method's state machine keeps each row's caches to its end).
        await MemoryPerTenantAsync(tenantCounts.Max());
        Console.WriteLine();
        Console.WriteLine("Cached token retrieval with N tenants cached. 'same': every call for one tenant (the cost of the lookup");
        Console.WriteLine("itself as the cache grows); 'rr': round-robin over all N tenants (adds the memory traffic of touching N entries).");
        Console.WriteLine("µs and B are per call on one thread; calls/s is round-robin on all cores; B(par) is per call over the process.");
        Console.WriteLine($"{"tenants",8} | {"ours same µs",12} {"rr µs",7} {"B",4} {"calls/s",12} {"B(par)",6} | {"MSAL same µs",12} {"rr µs",7} {"B",6} {"calls/s",9} | {"x same",6} {"x rr",5}");

        var baseline = (double?)null;
        foreach (var count in tenantCounts)
        {
            var tenants = Enumerable.Range(0, count).Select(i => new Guid(i + 1, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7).ToString()).ToArray();
            var contexts = tenants.Select(t => new TokenRequestContext([Scope], tenantId: t)).ToArray();

            // Ours.
            var credential = CannedCredential();
            await Parallel.ForEachAsync(contexts, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (c, ct) => await credential.GetTokenAsync(c, ct));
            var oursCalls = 2_000_000;
            var (oursSame, _) = Sequential(oursCalls, i => Ours(credential, contexts[0]));
            var (oursMicros, oursBytes) = Sequential(oursCalls, i => Ours(credential, contexts[i % contexts.Length]));
            var (oursRate, oursParallelBytes) = Parallel_(oursCalls, degree, i => Ours(credential, contexts[i % contexts.Length]));

            var msal = await MsalFilledAsync(tenants);
            var msalCalls = 40_000;
            var (msalSame, _) = Sequential(msalCalls, i => Msal(msal, tenants[0]));
            var (msalMicros, msalBytes) = Sequential(msalCalls, i => Msal(msal, tenants[i % tenants.Length]));
            var (msalRate, _) = Parallel_(msalCalls, degree, i => Msal(msal, tenants[i % tenants.Length]));

            baseline ??= oursSame;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{count,8:N0} | {oursSame,12:0.000} {oursMicros,7:0.000} {oursBytes,4:0} {oursRate,12:N0} {oursParallelBytes,6:0.0} | {msalSame,12:0.00} {msalMicros,7:0.00} {msalBytes,6:N0} {msalRate,9:N0} | {msalSame / oursSame,5:0}x {msalMicros / oursMicros,4:0}x"));
            if (count != tenantCounts[0])
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"",8}   ours same-tenant cost vs {tenantCounts[0]:N0} tenant(s): {oursSame / baseline:0.00}x"));
            }
        }

        Console.WriteLine();
        Console.WriteLine("Cold stampede: 100 concurrent first calls for one tenant (emulator over HTTPS, 100 ms token latency)");
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
        await using (var emulator = await DefenderEmulator.StartAsync(EmulatorOptions.CreateDemo(secret)))
        {
            emulator.Faults.TokenLatency = TimeSpan.FromMilliseconds(100);
            var credential = DefenderAppCredential.FromClientSecret(EmulatorOptions.DemoClientId, secret, emulator.CreateCredentialOptions("*"));
            await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => Task.Run(async () => await credential.GetTokenAsync(EmulatorOptions.ContosoTenantId, "MicrosoftThreatProtection"))));
            var ours = emulator.Statistics.TokenRequests(EmulatorOptions.ContosoTenantId);

            var msal = ConfidentialClientApplicationBuilder.Create(EmulatorOptions.DemoClientId)
                .WithClientSecret(secret)
                .WithAuthority(new Uri(emulator.BaseAddress, "organizations").AbsoluteUri)
                .WithInstanceDiscovery(false)
                .WithHttpClientFactory(emulator.MsalHttpClientFactory)
                .Build();
            await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => Task.Run(() => msal.AcquireTokenForClient([Scope]).WithTenantId(EmulatorOptions.FabrikamTenantId).ExecuteAsync())));
            var alone = emulator.Statistics.TokenRequests(EmulatorOptions.FabrikamTenantId);
            Console.WriteLine($"  DefenderAppCredential: {ours} token request(s); MSAL alone: {alone} token requests");
        }
    }

    // Heap growth per cached tenant, after full collections: the credential (its own cache; MSAL's is emptied before
    // each use), and MSAL alone with its cache holding the same tokens. Tenant ids are allocated before the baseline.
    public static async Task MemoryPerTenantAsync(int count)
    {
        var tenants = Enumerable.Range(0, count).Select(i => new Guid(i + 1, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9).ToString()).ToArray();
        var contexts = tenants.Select(t => new TokenRequestContext([Scope], tenantId: t)).ToArray();
        Console.WriteLine();
        Console.WriteLine($"Memory per cached tenant, {count:N0} tenants (heap growth after full collections; one ~1,500-character token each)");

        var baseline = Heap();
        var credential = CannedCredential();
        var length = 0;
        await Parallel.ForEachAsync(contexts, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (c, ct) => length = (await credential.GetTokenAsync(c, ct)).Token.Length);
        var ours = (Heap() - baseline) / (double)count;
        GC.KeepAlive(credential);
        credential = null;

        baseline = Heap();
        var msal = await MsalFilledAsync(tenants);
        var alone = (Heap() - baseline) / (double)count;
        GC.KeepAlive(msal);

        // A .NET string: 2 bytes a character and about 22 bytes of header and length.
        var tokenBytes = (2 * length) + 22;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  DefenderAppCredential: {ours:N0} B per tenant (the token string itself: {tokenBytes:N0} B); MSAL alone: {alone:N0} B per tenant ({alone / ours:0.00}x)"));
    }

    // The credential over the canned token endpoint, for any tenant.
    private static DefenderAppCredential CannedCredential()
    {
        var options = new DefenderAppCredentialOptions { AuthorityHost = new Uri("https://login.bench.test/"), HttpClientFactory = new CannedTokenService() };
        options.AllowedTenants.Add("*");
        return DefenderAppCredential.FromClientSecret(ClientId, "benchmark-only", options);
    }

    // MSAL alone: one confidential client, tenant per request (the documented multi-tenant shape), its cache holding
    // a token of each tenant from the canned token endpoint.
    private static async Task<IConfidentialClientApplication> MsalFilledAsync(string[] tenants)
    {
        var msal = ConfidentialClientApplicationBuilder.Create(ClientId)
            .WithClientSecret("benchmark-only")
            .WithAuthority("https://login.bench.test/organizations")
            .WithInstanceDiscovery(false)
            .WithHttpClientFactory(new CannedTokenService())
            .Build();
        await Parallel.ForEachAsync(tenants, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (t, ct) => await msal.AcquireTokenForClient([Scope]).WithTenantId(t).ExecuteAsync(ct));
        return msal;
    }

    private static long Heap()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static async Task WarmUpAsync()
    {
        var credential = CannedCredential();
        var context = new TokenRequestContext([Scope], tenantId: Guid.Empty.ToString());
        await credential.GetTokenAsync(context, CancellationToken.None);
        Sequential(3_000_000, _ => Ours(credential, context));
    }

    private static AccessToken Ours(DefenderAppCredential credential, in TokenRequestContext context)
    {
        var pending = credential.GetTokenAsync(context, CancellationToken.None);
        return pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
    }

    private static AuthenticationResult Msal(IConfidentialClientApplication app, string tenant) =>
        app.AcquireTokenForClient([Scope]).WithTenantId(tenant).ExecuteAsync().GetAwaiter().GetResult();

    // Warm-up, then calls on one thread: microseconds and bytes allocated per call.
    private static (double Micros, double Bytes) Sequential<T>(int calls, Func<int, T> call)
    {
        for (var i = 0; i < Math.Min(calls, 50_000); i++)
        {
            call(i);
        }

        var bytes = GC.GetAllocatedBytesForCurrentThread();
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < calls; i++)
        {
            call(i);
        }

        watch.Stop();
        return (watch.Elapsed.TotalMicroseconds / calls, (GC.GetAllocatedBytesForCurrentThread() - bytes) / (double)calls);
    }

    // The same calls spread over threads: throughput, and bytes per call over the whole process.
    private static (double CallsPerSecond, double Bytes) Parallel_<T>(int calls, int degree, Func<int, T> call)
    {
        var bytes = GC.GetTotalAllocatedBytes(precise: true);
        var watch = Stopwatch.StartNew();
        Parallel.For(0, degree, new ParallelOptions { MaxDegreeOfParallelism = degree }, worker =>
        {
            for (var i = worker; i < calls; i += degree)
            {
                call(i);
            }
        });
        watch.Stop();
        return (calls / watch.Elapsed.TotalSeconds, (GC.GetTotalAllocatedBytes(precise: true) - bytes) / (double)calls);
    }
}
