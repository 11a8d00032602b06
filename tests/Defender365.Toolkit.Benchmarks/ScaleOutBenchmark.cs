using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Azure;
using Defender365.Toolkit.Authentication;
using Defender365.Toolkit.Catalog;
using Defender365.Toolkit.Emulator;
using Defender365.Toolkit.Http;
using Defender365.Toolkit.Redis;
using Microsoft.Extensions.Logging;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;
using Microsoft.Identity.Client;
using StackExchange.Redis;

namespace Defender365.Toolkit.Benchmarks;

/// <summary>
/// Four instances of one app over the same tenants, each with its own credential and client: token requests and 429s
/// at the emulator with nothing shared, with a governor per instance, and with the token cache and the governor shared
/// through a real redis-server. Each instance calls Secure Score 3 times at once per tenant, which the service allows
/// 4 at a time per tenant: two instances on one tenant at the same moment ask for 6. First, what an L2 hit costs.
/// </summary>
internal static class ScaleOutBenchmark
{
    private const int Instances = 4;
    // All four instances, the emulator and Redis share this machine's cores: at 16 tenants at once each, on 2 cores,
    // Redis replies waited over a second in the thread pool's queue, and the instances gave Redis up for a while
    // (as designed for a slow Redis), asking the token service themselves.
    private const int TenantsAtOnce = 8;

    // Under the service's 4 at once for one instance alone; over it as soon as two instances meet on a tenant.
    private const int CallsAtOnce = 3;
    private static readonly DefenderOperation SecureScores = DefenderCatalog.Default.GetOperation("GraphSecurity.ListSecureScores");

    public static async Task RunAsync(string[] args)
    {
        var count = args.SkipWhile(a => a != "--tenants").Skip(1).Select(int.Parse).FirstOrDefault(10_000);
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
        var options = EmulatorOptions.CreateDemo(secret);
        var tenants = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var tenantId = new Guid(i + 1, 0x0be0, 0x5ca1, [0, 0, 0, 0, 0, 0, 0, 2]).ToString();
            options.AddTenant(tenantId, $"Customer {i + 1}").Consent(EmulatorOptions.DemoClientId, DefenderResourceIds.MicrosoftGraph, "SecurityEvents.Read.All");
            tenants.Add(tenantId);
        }

        await using var emulator = await DefenderEmulator.StartAsync(options);
        // Long enough for the calls of several instances to overlap; the service's own limit of 4 at a time per tenant.
        emulator.Faults.ApiLatency = TimeSpan.FromMilliseconds(20);
        emulator.Faults.Apply(new EmulatorFaultProfile { Rules = { new EmulatorFaultRule { Fault = EmulatorFaultKind.Quota, Operation = SecureScores.Id, Concurrent = 4 } } });
        using var redis = RedisProcess.Start();

        await SharedHitCostAsync(emulator, secret, tenants.Take(1_000).ToList(), redis.Configuration);
        Console.WriteLine();
        Console.WriteLine($".NET {Environment.Version}, {Environment.ProcessorCount} cores: {Instances} instances × {count:N0} tenants, {TenantsAtOnce} tenants at once per instance, {CallsAtOnce} Secure Score calls at once per tenant (emulator over HTTPS, 20 ms per call, 4 at once per tenant; default retries)");
        Console.WriteLine($"{"setup",-36} | {"token requests",14} {"calls sent",10} {"429s",7} {"failed",6} {"seconds",7}");
        await RunAsync("nothing shared, no governor", emulator, secret, tenants, redis: null, governor: false);
        await RunAsync("nothing shared, governor per instance", emulator, secret, tenants, redis: null, governor: true);
        await RunAsync("Redis: shared tokens and governor", emulator, secret, tenants, redis.Configuration, governor: true);
    }

    // What an instance pays for a token it does not hold but Redis does (L2 hit: a Redis read and a decryption), next to
    // MSAL's own cached path and an L1 hit. The L2 instance keeps at most one token in L1, so each call of a round-robin
    // over the tenants misses L1.
    private static async Task SharedHitCostAsync(DefenderEmulator emulator, string secret, IReadOnlyList<string> tenants, string redis)
    {
        var key = RandomNumberGenerator.GetBytes(32);
        await using var connection = await DefenderRedis.ConnectAsync(redis);
        DefenderAppCredential Instance(int maxCachedTokens)
        {
            var options = emulator.CreateCredentialOptions("*");
            options.SharedTokenCache = DefenderRedis.CreateSharedTokenCache(() => Task.FromResult<IConnectionMultiplexer>(connection), key);
            options.MaxCachedTokens = maxCachedTokens;
            return DefenderAppCredential.FromClientSecret(EmulatorOptions.DemoClientId, secret, options);
        }

        var filler = Instance(100_000);
        foreach (var tenant in tenants)
        {
            await filler.GetTokenAsync(tenant, DefenderResourceIds.MicrosoftGraph);
        }

        var l2 = Instance(1);
        var msal = ConfidentialClientApplicationBuilder.Create(EmulatorOptions.DemoClientId)
            .WithClientSecret(secret)
            .WithAuthority(new Uri(emulator.BaseAddress, "organizations").AbsoluteUri)
            .WithInstanceDiscovery(false)
            .WithHttpClientFactory(emulator.MsalHttpClientFactory)
            .Build();
        string[] scope = [DefenderCatalog.Default.GetResource(DefenderResourceIds.MicrosoftGraph).GetEndpoint(DefenderCloud.Commercial).DefaultScope];
        foreach (var tenant in tenants)
        {
            await msal.AcquireTokenForClient(scope).WithTenantId(tenant).ExecuteAsync();
        }

        var requests = emulator.Statistics.TotalTokenRequests;
        var (l2Micros, l2Bytes) = await TimeAsync(tenants, async t => (await l2.GetTokenAsync(t, DefenderResourceIds.MicrosoftGraph)).Token);
        var (msalMicros, msalBytes) = await TimeAsync(tenants, async t => (await msal.AcquireTokenForClient(scope).WithTenantId(t).ExecuteAsync()).AccessToken);
        var (l1Micros, l1Bytes) = await TimeAsync(tenants, async t => (await filler.GetTokenAsync(t, DefenderResourceIds.MicrosoftGraph)).Token);
        var extra = emulator.Statistics.TotalTokenRequests - requests;
        var database = connection.GetDatabase();
        var (pingMicros, _) = await TimeAsync(tenants, async _ => (await database.PingAsync()).ToString());

        Console.WriteLine($"Token for a tenant this instance does not hold, {tenants.Count:N0} tenants round-robin on one thread (Redis on loopback, a PING takes {pingMicros:0} µs):");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  L2 hit (Redis read + AES-GCM): {l2Micros:0.0} µs, {l2Bytes:N0} B per call | MSAL's cached path: {msalMicros:0.0} µs, {msalBytes:N0} B | L1 hit: {l1Micros:0.00} µs, {l1Bytes:N0} B | token requests meanwhile: {extra}"));
    }

    private static async Task<(double Micros, double Bytes)> TimeAsync(IReadOnlyList<string> tenants, Func<string, Task<string>> call)
    {
        for (var i = 0; i < tenants.Count; i++)
        {
            await call(tenants[i]);
        }

        const int Calls = 20_000;
        // The whole process's allocations: a Redis read resumes on another thread. Nothing else runs meanwhile.
        var bytes = GC.GetTotalAllocatedBytes(precise: true);
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < Calls; i++)
        {
            await call(tenants[i % tenants.Count]);
        }

        watch.Stop();
        return (watch.Elapsed.TotalMicroseconds / Calls, (GC.GetTotalAllocatedBytes(precise: true) - bytes) / (double)Calls);
    }

    private static async Task RunAsync(string setup, DefenderEmulator emulator, string secret, IReadOnlyList<string> tenants, string? redis, bool governor)
    {
        emulator.Statistics.Reset();
        var connections = new List<IConnectionMultiplexer>();
        var invokers = new List<DefenderOperationInvoker>();
        var key = RandomNumberGenerator.GetBytes(32);
        var outages = new OutageCounter();
        for (var i = 0; i < Instances; i++)
        {
            var credentialOptions = emulator.CreateCredentialOptions("*");
            var clientOptions = emulator.CreateClientOptions();
            clientOptions.UseQuotas = governor;
            if (redis is not null)
            {
                var connection = await DefenderRedis.ConnectAsync(redis);
                connections.Add(connection);
                credentialOptions.SharedTokenCache = DefenderRedis.CreateSharedTokenCache(() => Task.FromResult(connection), key, loggerFactory: outages);
                clientOptions.QuotaLimiter = DefenderRedis.CreateQuotaLimiter(() => Task.FromResult(connection), loggerFactory: outages);
            }

            invokers.Add(new DefenderOperationInvoker(DefenderAppCredential.FromClientSecret(EmulatorOptions.DemoClientId, secret, credentialOptions), clientOptions));
        }

        var failed = 0;
        var shown = 0;
        var reasons = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(invokers.Select(invoker => Parallel.ForEachAsync(tenants, new ParallelOptions { MaxDegreeOfParallelism = TenantsAtOnce }, async (tenant, cancellationToken) =>
        {
            await Task.WhenAll(Enumerable.Range(0, CallsAtOnce).Select(async _ =>
            {
                try
                {
                    await invoker.SendAsync(SecureScores, tenant, new DefenderRequestArguments(), cancellationToken);
                }
                catch (Exception exception) when (exception is RequestFailedException or DefenderRequestException or DefenderAuthenticationException)
                {
                    Interlocked.Increment(ref failed);
                    if (Interlocked.Increment(ref shown) <= 3)
                    {
                        Console.Error.WriteLine(exception.Message);
                    }

                    reasons.AddOrUpdate(exception is DefenderRequestException d ? d.Failure.ToString() : exception is DefenderAuthenticationException a ? a.Failure.ToString() : ((RequestFailedException)exception).Status.ToString(CultureInfo.InvariantCulture), 1, (_, n) => n + 1);
                }
            }));
        })));
        watch.Stop();

        var statistics = emulator.Statistics;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{setup,-36} | {statistics.TotalTokenRequests,14:N0} {statistics.ApiCalls(SecureScores.Id),10:N0} {statistics.ThrottledCalls(SecureScores.Id),7:N0} {failed,6:N0} {watch.Elapsed.TotalSeconds,7:0.0}"));
        if (outages.Count > 0)
        {
            Console.WriteLine($"{"",36}   Redis given up for a while {outages.Count} time(s) (an operation took longer than its timeout, 1 s)");
        }

        if (!reasons.IsEmpty)
        {
            Console.WriteLine($"{"",36}   failed: {string.Join(", ", reasons.Select(r => $"{r.Key} × {r.Value}"))}");
        }

        foreach (var connection in connections)
        {
            await connection.DisposeAsync();
        }
    }

    /// <summary>A redis-server of its own on a free loopback port, nothing saved to disk; stopped on dispose.</summary>
    private sealed class RedisProcess : IDisposable
    {
        private readonly Process _process;

        private RedisProcess(Process process, int port)
        {
            _process = process;
            Configuration = $"127.0.0.1:{port}";
        }

        public string Configuration { get; }

        public static RedisProcess Start()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            var start = new ProcessStartInfo("redis-server", ["--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            {
                RedirectStandardOutput = true,
            };
            var process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start; install it (apt-get install redis-server).");
            for (var i = 0; i < 100; i++)
            {
                try
                {
                    using var client = new TcpClient();
                    client.Connect(IPAddress.Loopback, port);
                    return new RedisProcess(process, port);
                }
                catch (SocketException)
                {
                    Thread.Sleep(50);
                }
            }

            process.Kill();
            throw new InvalidOperationException($"redis-server did not listen on port {port}.");
        }

        public void Dispose()
        {
            _process.Kill(entireProcessTree: true);
            _process.Dispose();
        }
    }

    /// <summary>Counts the times an instance stopped using Redis for a while (the toolkit logs each outage once).</summary>
    private sealed class OutageCounter : ILoggerFactory, ILogger
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public ILogger CreateLogger(string categoryName) => this;

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public void Dispose()
        {
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Name is "SharedCacheUnavailable" or "SharedQuotasUnavailable")
            {
                Interlocked.Increment(ref _count);
            }
        }
    }
}
