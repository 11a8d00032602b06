namespace Defender365.Toolkit.PackageTests;

/// <summary>Real <c>dotnet build</c> of throwaway consumers that restore the packed package from a folder feed.</summary>
[Collection(nameof(PackageCollection))]
public sealed class ConsumerBuildTests(PackageFixture package)
{
    private const string Manifest = """
        {
          "namespace": "Consumer.Defender",
          "permissions": {
            "Microsoft Threat Protection": { "application": ["Incident.Read.All"] }
          }
        }
        """;

    [Fact]
    public async Task A_consumer_with_a_manifest_builds_with_warnings_as_errors_and_runs_the_generated_client()
    {
        var project = package.CreateConsumer("Consumer", Manifest, """
            using Consumer.Defender;
            using Consumer.Defender.Models;
            using Defender365.Toolkit.Authentication;

            // No allowed tenant: the generated call runs through the whole client and is refused before any request.
            var credential = DefenderAppCredential.FromClientSecret(
                "5f0e3a43-9b5c-4f2a-9f60-3c1f2b8f6d01", Environment.GetEnvironmentVariable("CONSUMER_SECRET") ?? "not-used", new DefenderAppCredentialOptions());
            var tenant = new DefenderClient(credential).ForTenant("7f1c2a3b-1d2e-4f50-8a6b-0c9d8e7f6a51");
            try
            {
                await foreach (var incident in tenant.Incidents.ListIncidentsAsync(filter: "status eq 'Active'"))
                {
                    Console.WriteLine(incident.IncidentName);
                }
            }
            catch (DefenderTenantNotAllowedException e)
            {
                Console.WriteLine("refused " + e.TenantId);
            }

            Console.WriteLine(DefenderPermissions.ThreatProtection.IncidentReadAll);
            Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(new Incident { IncidentId = 7, Status = IncidentStatus.Active }, DefenderJsonContext.Incident));
            """);

        var build = await DotNet.RunAsync(project, "build", "-nodeReuse:false");
        Assert.True(build.ExitCode == 0, build.Output);
        Assert.Contains("0 Warning(s)", build.Output, StringComparison.Ordinal);

        var run = await DotNet.RunAsync(project, "run", "--no-build");
        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains("refused 7f1c2a3b-1d2e-4f50-8a6b-0c9d8e7f6a51", run.Output, StringComparison.Ordinal);
        Assert.Contains("Incident.Read.All", run.Output, StringComparison.Ordinal);
        Assert.Contains("{\"incidentId\":7,\"status\":\"Active\"}", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_consumer_with_a_broken_manifest_fails_with_DEF1001_located_in_the_json()
    {
        var broken = """
            {
              "permissions": {
                "Microsoft Threat Protection": { "application": ["Incident.Read.All" }
              }
            }
            """;
        var project = package.CreateConsumer("Broken", broken, "Console.WriteLine();");

        var build = await DotNet.RunAsync(project, "build", "-nodeReuse:false");
        Assert.NotEqual(0, build.ExitCode);
        Assert.Matches(@"defender-scopes\.json\(3,\d+(,\d+,\d+)?\): error DEF1001", build.Output);
    }

    [Fact]
    public async Task An_unknown_permission_fails_with_DEF1002_and_a_suggestion()
    {
        var project = package.CreateConsumer("Unknown", Manifest.Replace("Incident.Read.All", "Incident.Reed.All", StringComparison.Ordinal), "Console.WriteLine();");
        var build = await DotNet.RunAsync(project, "build", "-nodeReuse:false");
        Assert.NotEqual(0, build.ExitCode);
        Assert.Matches(@"defender-scopes\.json\(4,\d+(,\d+,\d+)?\): error DEF1002: .*Did you mean 'Incident.Read.All'\?", build.Output);
    }

    [Fact]
    public async Task Every_call_outside_the_manifest_fails_with_DEF2001_and_dotnet_format_applies_the_fixes()
    {
        // Incident.Read.All only: a stronger permission in a declared area, an area with nothing declared, a resource
        // with nothing declared. Each must be DEF2001 (not CS1061 for a missing member) and each must have its fix.
        var project = package.CreateConsumer("Undeclared", Manifest, """
            using Consumer.Defender;
            using Consumer.Defender.Models;

            public static class App
            {
                public static System.Threading.Tasks.Task Resolve(DefenderTenantClient tenant) =>
                    tenant.Incidents.UpdateIncidentAsync(1, new UpdateIncidentRequest { Status = IncidentStatus.Resolved });

                public static System.Threading.Tasks.Task Isolate(DefenderTenantClient tenant) =>
                    tenant.MachineActions.IsolateMachineAsync("m1", new IsolateMachineRequest { Comment = "contain", IsolationType = IsolationType.Full });

                public static System.Threading.Tasks.Task Alert(DefenderTenantClient tenant) =>
                    tenant.GraphSecurity.Alerts.GetAlertV2Async("a1");

                public static void Main()
                {
                }
            }
            """);
        var build = await DotNet.RunAsync(project, "build", "-nodeReuse:false");
        Assert.NotEqual(0, build.ExitCode);
        Assert.Matches(@"Program\.cs\(7,\d+\): error DEF2001: UpdateIncident needs Incident\.ReadWrite\.All on Microsoft Threat Protection", build.Output);
        Assert.Matches(@"Program\.cs\(10,\d+\): error DEF2001: IsolateMachine needs Machine\.Isolate on WindowsDefenderATP", build.Output);
        Assert.Matches(@"Program\.cs\(13,\d+\): error DEF2001: GraphSecurity\.GetAlertV2 needs SecurityAlert\.Read\.All on Microsoft Graph", build.Output);
        Assert.DoesNotMatch(@"error CS\d+", build.Output);

        // The command docs/analyzers.md gives for fixing outside an IDE.
        var format = await DotNet.RunAsync(project, "format", "analyzers", "--diagnostics", "DEF2001");
        Assert.True(format.ExitCode == 0, format.Output);
        var manifest = File.ReadAllText(Path.Combine(project, "defender-scopes.json"));
        Assert.Contains("\"Incident.ReadWrite.All\"", manifest, StringComparison.Ordinal);
        Assert.DoesNotContain("\"Incident.Read.All\"", manifest, StringComparison.Ordinal);
        Assert.Contains("\"WindowsDefenderATP\": { \"application\": [\"Machine.Isolate\"] }", manifest, StringComparison.Ordinal);
        Assert.Contains("\"Microsoft Graph\": { \"application\": [\"SecurityAlert.Read.All\"] }", manifest, StringComparison.Ordinal);

        var rebuild = await DotNet.RunAsync(project, "build", "-nodeReuse:false");
        Assert.True(rebuild.ExitCode == 0, rebuild.Output);
    }

    [Fact]
    public async Task A_GCCHigh_manifest_takes_the_generated_client_and_its_credential_to_the_GCCHigh_hosts()
    {
        var manifest = """
            { "namespace": "Gov.Defender", "cloud": "GCCHigh", "permissions": { "Microsoft Threat Protection": { "application": ["Incident.Read.All"] } } }
            """;
        var project = package.CreateConsumer("GccHigh", manifest, """
            using Defender365.Toolkit.Authentication;
            using Defender365.Toolkit.Catalog;
            using Gov.Defender;
            using Microsoft.Extensions.Configuration;
            using Microsoft.Extensions.DependencyInjection;
            using Microsoft.Extensions.Options;
            using Xunit;

            public sealed class CloudTests
            {
                private static ServiceProvider Host(string? cloud)
                {
                    var settings = new Dictionary<string, string?>
                    {
                        ["Defender:ClientId"] = "5f0e3a43-9b5c-4f2a-9f60-3c1f2b8f6d01",
                        ["Defender:ClientSecret"] = "not-a-real-secret-value",
                        ["Defender:AllowedTenants:0"] = "*",
                        ["Defender:Cloud"] = cloud,
                    };
                    var services = new ServiceCollection();
                    services.AddDefenderClient<DefenderClient>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection("Defender"));
                    return services.BuildServiceProvider();
                }

                [Fact]
                public void With_no_cloud_setting_the_hosted_client_signs_in_and_calls_in_GCCHigh()
                {
                    using var provider = Host(cloud: null);
                    var client = provider.GetRequiredService<DefenderClient>();
                    Assert.Equal(DefenderCloud.GCCHigh, client.Invoker.Options.Cloud);
                    Assert.Equal("https://login.microsoftonline.us/", provider.GetRequiredService<DefenderAppCredential>().AuthorityHost.AbsoluteUri);
                }

                [Fact]
                public void A_conflicting_cloud_setting_stops_the_app_at_start_naming_both()
                {
                    using var provider = Host(cloud: "Commercial");
                    var failure = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<Defender365.Toolkit.DependencyInjection.DefenderOptions>>().Value);
                    Assert.Contains("Defender:Cloud is Commercial, but defender-scopes.json declares GCCHigh (for Gov.Defender.DefenderClient)", failure.Message);
                }

                [Fact]
                public void A_credential_of_another_cloud_is_refused_when_the_client_is_made()
                {
                    var credential = DefenderAppCredential.FromClientSecret("5f0e3a43-9b5c-4f2a-9f60-3c1f2b8f6d01", "not-a-real-secret-value", new DefenderAppCredentialOptions());
                    var failure = Assert.Throws<ArgumentException>(() => new DefenderClient(credential));
                    Assert.Contains("Commercial", failure.Message);
                    Assert.Contains("GCCHigh", failure.Message);
                }
            }
            """, testProject: true);

        var test = await DotNet.RunAsync(project, "test", "-nodeReuse:false");

        Assert.True(test.ExitCode == 0, test.Output);
        Assert.Matches(@"Passed!\s+- Failed:\s+0, Passed:\s+3", test.Output);
    }
}
