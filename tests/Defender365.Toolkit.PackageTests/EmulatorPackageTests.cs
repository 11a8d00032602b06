namespace Defender365.Toolkit.PackageTests;

/// <summary>
/// The emulator as a partner uses it: a test project of their own references the packed Defender365.Toolkit and
/// Defender365.Toolkit.Emulator packages, starts the emulator in-process with one call and lists incidents through the
/// client generated from its manifest, directly and as a hosted app configured the way docs/emulator.md shows.
/// </summary>
[Collection(nameof(PackageCollection))]
public sealed class EmulatorPackageTests(PackageFixture package)
{
    private const string Manifest = """
        { "namespace": "Partner.Defender", "permissions": { "Microsoft Threat Protection": { "application": ["Incident.Read.All"] } } }
        """;

    private const string Tests = """
        using System.Security.Cryptography;
        using Defender365.Toolkit.Authentication;
        using Defender365.Toolkit.Emulator;
        using Microsoft.Extensions.Configuration;
        using Microsoft.Extensions.DependencyInjection;
        using Partner.Defender;
        using Xunit;

        public sealed class IncidentTests
        {
            private static readonly string Secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));

            [Fact]
            public async Task The_generated_client_lists_the_incidents_of_a_tenant()
            {
                await using var emulator = await DefenderEmulator.StartAsync(EmulatorOptions.CreateDemo(Secret));
                var credential = DefenderAppCredential.FromClientSecret(EmulatorOptions.DemoClientId, Secret, emulator.CreateCredentialOptions(EmulatorOptions.ContosoTenantId));
                var client = new DefenderClient(credential, emulator.CreateClientOptions());

                var names = new List<string?>();
                await foreach (var incident in client.ForTenant(EmulatorOptions.ContosoTenantId).Incidents.ListIncidentsAsync(top: 5))
                {
                    names.Add(incident.IncidentName);
                }

                Assert.Equal(5, names.Count);
                Assert.All(names, name => Assert.False(string.IsNullOrEmpty(name)));
            }

            [Fact]
            public async Task A_hosted_app_reaches_the_emulator_by_configuration_and_the_written_certificate()
            {
                await using var emulator = await DefenderEmulator.StartAsync(EmulatorOptions.CreateDemo(Secret));
                var pem = Path.Combine(Path.GetTempPath(), $"partner-{Guid.NewGuid():N}.pem");
                File.WriteAllText(pem, emulator.Certificate.ExportCertificatePem());
                try
                {
                    var configuration = new ConfigurationBuilder()
                        .AddInMemoryCollection(emulator.CreateConfiguration())
                        .AddInMemoryCollection(new Dictionary<string, string?>
                        {
                            ["Defender:ClientId"] = EmulatorOptions.DemoClientId,
                            ["Defender:ClientSecret"] = Secret,
                            ["Defender:AllowedTenants:0"] = EmulatorOptions.ContosoTenantId,
                        })
                        .Build();
                    var services = new ServiceCollection();
                    services.AddDefenderClient<DefenderClient>(configuration.GetSection("Defender"));
                    services.TrustDefenderEmulator(DefenderEmulator.LoadCertificate(pem));
                    await using var provider = services.BuildServiceProvider();

                    var tenant = provider.GetRequiredService<DefenderClient>().ForTenant(EmulatorOptions.ContosoTenantId);
                    var count = 0;
                    await foreach (var incident in tenant.Incidents.ListIncidentsAsync(top: 2))
                    {
                        Assert.False(string.IsNullOrEmpty(incident.IncidentName));
                        count++;
                    }

                    Assert.Equal(2, count);
                }
                finally
                {
                    File.Delete(pem);
                }
            }
        }
        """;

    [Fact]
    public async Task A_partner_test_project_starts_the_emulator_package_and_lists_incidents()
    {
        Assert.True(File.Exists(package.EmulatorPackagePath));
        var project = package.CreateConsumer("PartnerTests", Manifest, Tests, testProject: true);

        var test = await DotNet.RunAsync(project, "test", "-nodeReuse:false");

        Assert.True(test.ExitCode == 0, test.Output);
        Assert.Matches(@"Passed!\s+- Failed:\s+0, Passed:\s+2", test.Output);
        Assert.DoesNotContain("warning", test.Output, StringComparison.OrdinalIgnoreCase);
    }
}
