using System.Diagnostics;
using System.Reflection;
using Defender365.Toolkit.Emulator;
using Defender365.Toolkit.Tests.Infrastructure;

namespace Defender365.Toolkit.Tests.SharedCache;

/// <summary>
/// App instances as separate processes, each wired as a hosted app is (<c>AddDefenderClient</c> and
/// <c>AddDefenderRedis</c> from environment variables), sharing one redis-server and one emulator: nothing is shared
/// in memory, so what they save between them is Redis's doing.
/// </summary>
public sealed class SeparateProcessTests(ScaleOutFixture fixture) : IClassFixture<ScaleOutFixture>
{
    private const int Instances = 4;

    [RedisFact]
    public async Task Four_processes_asking_for_the_same_1000_cold_tenants_at_once_make_exactly_1000_token_requests()
    {
        var tenants = fixture.Tenants(1_000);
        var folder = Directory.CreateTempSubdirectory("defender365-scale-out-");
        try
        {
            var tenantsFile = Path.Combine(folder.FullName, "tenants.txt");
            await File.WriteAllLinesAsync(tenantsFile, tenants);
            var certificate = Path.Combine(folder.FullName, "emulator.pem");
            await File.WriteAllTextAsync(certificate, fixture.Emulator.Certificate.ExportCertificatePem());
            var before = fixture.TokenRequests(tenants);

            var runs = Enumerable.Range(0, Instances).Select(_ => TestProcess.RunAsync(Start(tenantsFile, certificate, folder.FullName), TimeSpan.FromMinutes(3))).ToArray();

            // Every instance is up (its services built) before any asks: the first requests of all four race.
            var ready = Stopwatch.StartNew();
            while (folder.GetFiles("ready-*").Length < Instances && ready.Elapsed < TimeSpan.FromMinutes(2) && !runs.Any(r => r.IsCompleted))
            {
                await Task.Delay(20);
            }

            await File.WriteAllTextAsync(Path.Combine(folder.FullName, "go"), string.Empty);
            var results = await Task.WhenAll(runs);

            Assert.All(results, r => Assert.True(r.ExitCode == 0, r.Output + r.Error));
            Assert.All(results, r => Assert.Contains("served 1000 failed 0 wrong-tenant 0", r.Output, StringComparison.Ordinal));
            Assert.Equal(1_000, fixture.TokenRequests(tenants) - before);
            Assert.All(tenants, t => Assert.Equal(1, fixture.Emulator.Statistics.TokenRequests(t)));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private ProcessStartInfo Start(string tenantsFile, string certificate, string startFolder)
    {
        var instance = typeof(SeparateProcessTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ScaleOutInstanceAssemblyPath").Value!;
        Assert.True(File.Exists(instance), $"The scale-out instance was not built at {instance}.");
        var start = new ProcessStartInfo("dotnet", [instance, tenantsFile, certificate, startFolder]) { RedirectStandardOutput = true, RedirectStandardError = true };

        // The whole configuration as environment variables, the way a container gets it; nothing of the test's own.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("Defender__", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(key);
        }

        foreach (var (key, value) in fixture.Emulator.CreateConfiguration())
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        start.Environment["Defender__ClientId"] = EmulatorOptions.DemoClientId;
        start.Environment["Defender__ClientSecret"] = fixture.Secret;
        start.Environment["Defender__AllowedTenants__0"] = "*";
        start.Environment["Defender__Redis__Configuration"] = fixture.Redis!.Configuration;
        start.Environment["Defender__Redis__EncryptionKey"] = Convert.ToBase64String(fixture.EncryptionKey);

        // Four processes and the emulator share this machine's cores: a Redis reply can wait in a thread pool's queue
        // past the default second, and the instance would then give Redis up for a while, as it does for a slow Redis,
        // and ask the token service itself. What is tested here is the single flight, so Redis gets ample time.
        start.Environment["Defender__Redis__SharedTokenCache__OperationTimeout"] = "00:00:10";
        return start;
    }
}
