using System.IO.Compression;

namespace Defender365.Toolkit.PackageTests;

/// <summary>
/// Defender365.Toolkit.Redis as a scaled-out partner app takes it: what the package depends on, and a hosted app that
/// registers it beside AddDefenderClient and keeps working with its Redis unreachable.
/// </summary>
[Collection(nameof(PackageCollection))]
public sealed class RedisPackageTests(PackageFixture package)
{
    private const string Manifest = """
        { "namespace": "Partner.Defender", "permissions": { "Microsoft Threat Protection": { "application": ["Incident.Read.All"] } } }
        """;

    private const string Tests = """
        using System.Security.Cryptography;
        using Defender365.Toolkit.Authentication.SharedCache;
        using Defender365.Toolkit.Emulator;
        using Microsoft.Extensions.Configuration;
        using Microsoft.Extensions.DependencyInjection;
        using Partner.Defender;
        using Xunit;

        public sealed class ScaleOutTests
        {
            private static readonly string Secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));

            [Fact]
            public async Task A_hosted_app_with_the_shared_token_cache_is_served_while_its_Redis_is_unreachable()
            {
                await using var emulator = await DefenderEmulator.StartAsync(EmulatorOptions.CreateDemo(Secret));
                var settings = new Dictionary<string, string?>(emulator.CreateConfiguration())
                {
                    ["Defender:ClientId"] = EmulatorOptions.DemoClientId,
                    ["Defender:ClientSecret"] = Secret,
                    ["Defender:AllowedTenants:0"] = "*",
                    // Port 1: nothing listens there, as for a Redis that is down when the app starts.
                    ["Defender:Redis:Configuration"] = "127.0.0.1:1",
                    ["Defender:Redis:EncryptionKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
                };
                var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
                var services = new ServiceCollection();
                services.AddDefenderClient<DefenderClient>(configuration.GetSection("Defender"));
                services.AddDefenderRedis(configuration.GetSection("Defender:Redis"));
                services.TrustDefenderEmulator(emulator.Certificate);
                await using var provider = services.BuildServiceProvider();

                var incidents = 0;
                await foreach (var incident in provider.GetRequiredService<DefenderClient>().ForTenant(EmulatorOptions.ContosoTenantId).Incidents.ListIncidentsAsync(top: 3))
                {
                    incidents++;
                }

                Assert.Equal(3, incidents);
                Assert.NotNull(provider.GetService<DefenderSharedTokenCache>());
                Assert.Equal(1, emulator.Statistics.TokenRequests(EmulatorOptions.ContosoTenantId));
            }
        }
        """;

    [Fact]
    public void The_package_depends_on_the_toolkit_and_Redis_and_never_on_Roslyn_or_the_emulator()
    {
        var document = PackageFixture.Nuspec(package.RedisPackagePath);
        var dependencies = document.Descendants().Where(e => e.Name.LocalName == "dependency").ToDictionary(e => (string)e.Attribute("id")!, e => (string)e.Attribute("version")!);

        // The toolkit's own dependencies are listed too: the repository pins transitive versions centrally.
        Assert.Equal(package.Version, dependencies["Defender365.Toolkit"]);
        Assert.Equal("2.7.27", dependencies["StackExchange.Redis"]);
        Assert.Contains("Microsoft.Extensions.Caching.StackExchangeRedis", dependencies.Keys);
        Assert.DoesNotContain(dependencies.Keys, id => id.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal) || id.Contains("Emulator", StringComparison.Ordinal) || id.StartsWith("Microsoft.IdentityModel", StringComparison.Ordinal));
        using var zip = ZipFile.OpenRead(package.RedisPackagePath);
        Assert.Contains(zip.Entries, e => e.FullName == "lib/net8.0/Defender365.Toolkit.Redis.dll");
        Assert.Equal("README.md", document.Descendants().Single(e => e.Name.LocalName == "readme").Value);
    }

    [Fact]
    public async Task A_partner_app_registers_it_beside_AddDefenderClient_and_is_served_with_Redis_down()
    {
        var project = package.CreateConsumer("ScaleOutTests", Manifest, Tests, testProject: true, redis: true);

        var test = await DotNet.RunAsync(project, "test", "-nodeReuse:false");

        Assert.True(test.ExitCode == 0, test.Output);
        Assert.Matches(@"Passed!\s+- Failed:\s+0, Passed:\s+1", test.Output);
        Assert.DoesNotContain("warning", test.Output, StringComparison.OrdinalIgnoreCase);
    }
}
