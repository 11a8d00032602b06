namespace Defender365.Toolkit.PackageTests;

/// <summary>
/// The migration the lifecycle rules lead, in a real consumer build of the packed package: a call to the retiring XDR
/// hunting API is DEF5001 with the date and the replacement (an error under warnings-as-errors), <c>dotnet format</c>
/// applies the fix, and the project builds on the Graph call with <c>ThreatHunting.Read.All</c> declared.
/// </summary>
[Collection(nameof(PackageCollection))]
public sealed class LifecycleBuildTests(PackageFixture package)
{
    [Fact]
    public async Task A_call_to_the_retiring_hunting_API_is_DEF5001_and_the_fix_moves_it_to_Graph_with_its_permission()
    {
        var project = package.CreateConsumer("Hunting", """
            { "namespace": "Consumer.Defender", "permissions": { "Microsoft Threat Protection": { "application": ["Incident.Read.All", "AdvancedHunting.Read.All"] } } }
            """, """
            using Consumer.Defender;
            using Consumer.Defender.Models;

            public static class App
            {
                public static async System.Threading.Tasks.Task<int> HuntAsync(DefenderTenantClient tenant)
                {
                    AdvancedHuntingResponse result = (await tenant.AdvancedHunting.RunAdvancedHuntingQueryAsync(new RunAdvancedHuntingQueryRequest { Query = "DeviceInfo | take 10" })).Value;
                    return result.Results?.Count ?? 0;
                }

                public static void Main()
                {
                }
            }
            """);

        var build = await DotNet.RunAsync(project, "build", "-nodeReuse:false");
        Assert.NotEqual(0, build.ExitCode);
        Assert.Matches(@"Program\.cs\(8,\d+\): error DEF5001: RunAdvancedHuntingQuery stops working on 2027-02-01; use GraphSecurity\.RunHuntingQuery instead, which needs ThreatHunting\.Read\.All on Microsoft Graph", build.Output);
        // The XDR incident API is only at risk: DEF5002 is off by default, so nothing is said about the manifest's other permission.
        Assert.DoesNotContain("DEF5002", build.Output, StringComparison.Ordinal);

        var format = await DotNet.RunAsync(project, "format", "analyzers", "--diagnostics", "DEF5001");
        Assert.True(format.ExitCode == 0, format.Output);
        var program = File.ReadAllText(Path.Combine(project, "Program.cs"));
        Assert.Contains("tenant.GraphSecurity.AdvancedHunting.RunHuntingQueryAsync(new GraphRunHuntingQueryRequest { Query = \"DeviceInfo | take 10\" })", program, StringComparison.Ordinal);
        Assert.Contains("var result = ", program, StringComparison.Ordinal);
        var manifest = File.ReadAllText(Path.Combine(project, "defender-scopes.json"));
        Assert.Contains("\"Microsoft Graph\": { \"application\": [\"ThreatHunting.Read.All\"] }", manifest, StringComparison.Ordinal);

        var rebuild = await DotNet.RunAsync(project, "build", "-nodeReuse:false");
        Assert.True(rebuild.ExitCode == 0, rebuild.Output);
        Assert.DoesNotContain("DEF5001", rebuild.Output, StringComparison.Ordinal);
    }
}
