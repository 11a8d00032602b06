using System.Text.Json;
using Defender365.Toolkit.Cli.Tests.Infrastructure;
using Defender365.Toolkit.Documentation;

namespace Defender365.Toolkit.Cli.Tests;

/// <summary><c>defender365 lifecycle</c>: the calls of a project to retiring and at-risk operations, with what to change.</summary>
public sealed class LifecycleCommandTests : IDisposable
{
    private const string Manifest = """
        {
          "namespace": "Legacy.Defender",
          "permissions": {
            "Microsoft Threat Protection": { "application": ["Incident.Read.All", "AdvancedHunting.Read.All"] }
          }
        }
        """;

    // A generated call (bound through the clients the package's generator makes from the manifest) and hand-written ones.
    private const string Connector = """
        using Legacy.Defender;
        using Legacy.Defender.Models;

        public sealed class Connector(DefenderClient client)
        {
            public async Task<int> RunAsync(string tenantId, string machineId, HttpClient http, CancellationToken cancellationToken)
            {
                var tenant = client.ForTenant(tenantId);
                var hunting = await tenant.AdvancedHunting.RunAdvancedHuntingQueryAsync(new RunAdvancedHuntingQueryRequest { Query = "DeviceInfo" }, cancellationToken);
                var incident = await tenant.Incidents.GetIncidentAsync(1, cancellationToken);
                await http.PostAsync($"https://api.securitycenter.microsoft.com/api/machines/{machineId}/startInvestigation", null, cancellationToken);
                return hunting.Value.Results?.Count ?? 0;
            }
        }
        """;

    private readonly TempFolder _folder = new("defender365-lifecycle-");

    public void Dispose() => _folder.Dispose();

    private void Write(string relativePath, string text) => _folder.Write(relativePath, text);

    [Fact]
    public async Task Lists_generated_and_hand_written_calls_with_dates_replacements_and_the_manifest_change_and_writes_sarif()
    {
        Write("Legacy.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\" />");
        Write("defender-scopes.json", Manifest);
        Write("Connector.cs", Connector);
        Write("obj/Generated.cs", "class Stale { void M(System.Net.Http.HttpClient h) => h.PostAsync(\"https://api.security.microsoft.com/api/advancedhunting/run\", null); }");
        var sarif = Path.Combine(_folder.FullName, "lifecycle.sarif");

        var result = await Tool.RunAsync(["lifecycle", Path.Combine(_folder.FullName, "Legacy.csproj"), "--sarif", sarif]);

        Assert.True(result.ExitCode == 1, result.ToString());
        var rows = result.Output.Split('\n').Select(l => l.Split("  ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray();
        Assert.Contains(rows, r => r is ["Connector.cs(9,52)", "RunAdvancedHuntingQuery", "retiring 2027-02-01", "GraphSecurity.RunHuntingQuery", "ThreatHunting.Read.All on Microsoft Graph"]);
        Assert.Contains(rows, r => r is ["Connector.cs(11,30)", "StartInvestigation", "retired 2026-09-01", "RunAntiVirusScan", "Machine.Scan on WindowsDefenderATP"]);
        // At risk (GetIncident) only when asked; nothing from obj/.
        Assert.DoesNotContain("GetIncident", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Generated.cs", result.Output, StringComparison.Ordinal);
        Assert.Contains("  declare ThreatHunting.Read.All under \"Microsoft Graph\"", result.Output, StringComparison.Ordinal);
        Assert.Contains("  then remove AdvancedHunting.Read.All under \"Microsoft Threat Protection\"", result.Output, StringComparison.Ordinal);
        // Alert.ReadWrite.All is not declared (DEF2001 says so), so there is nothing to remove.
        Assert.DoesNotContain("remove Alert.ReadWrite.All", result.Output, StringComparison.Ordinal);
        Assert.Contains("2 call(s) to retiring or retired operations, 0 to at-risk ones.", result.Error, StringComparison.Ordinal);
        // docs/cli.md shows this very output.
        var documented = DocumentationBlocks.CheckedBy(nameof(LifecycleCommandTests)).Single(b => b.File == "docs/cli.md" && b.Language == "text");
        Assert.Equal(documented.Body.Trim().ReplaceLineEndings("\n"), result.Output.Trim().ReplaceLineEndings("\n"));

        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(sarif));
        var run = document.RootElement.GetProperty("runs")[0];
        Assert.Equal("defender365 lifecycle", run.GetProperty("tool").GetProperty("driver").GetProperty("name").GetString());
        var results = run.GetProperty("results").EnumerateArray().ToArray();
        Assert.Equal(2, results.Length);
        Assert.All(results, r => Assert.Equal("DEF5001", r.GetProperty("ruleId").GetString()));
        Assert.StartsWith("RunAdvancedHuntingQuery stops working on 2027-02-01; use GraphSecurity.RunHuntingQuery", results[0].GetProperty("message").GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task At_risk_calls_are_listed_when_asked_or_turned_on_in_editorconfig_and_alone_exit_with_0()
    {
        Write("defender-scopes.json", Manifest);
        Write("Connector.cs", """
            using Legacy.Defender;

            public sealed class Connector(DefenderClient client)
            {
                public Task RunAsync(string tenantId) => client.ForTenant(tenantId).Incidents.GetIncidentAsync(1);
            }
            """);

        var quiet = await Tool.RunAsync(["lifecycle", _folder.FullName]);
        var asked = await Tool.RunAsync(["lifecycle", _folder.FullName, "--include-at-risk"]);
        // The .editorconfig section docs/rules/DEF5002.md shows turns the rule on as in a build.
        var documented = DocumentationBlocks.CheckedBy(nameof(LifecycleCommandTests)).Single(b => b.File == "docs/rules/DEF5002.md" && b.Language == "ini");
        Write(".editorconfig", "root = true\n\n" + documented.Body + "\n");
        var configured = await Tool.RunAsync(["lifecycle", _folder.FullName]);

        Assert.True(quiet.ExitCode == 0, quiet.ToString());
        Assert.Equal("", quiet.Output.Trim());
        foreach (var result in new[] { asked, configured })
        {
            Assert.True(result.ExitCode == 0, result.ToString());
            var row = result.Output.Split('\n').Select(l => l.Split("  ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Single(r => r.Length > 1 && r[1] == "GetIncident");
            Assert.Equal(["Connector.cs(5,83)", "GetIncident", "at risk, no date", "GraphSecurity.GetIncident", "SecurityIncident.Read.All on Microsoft Graph"], row);
        }
    }

    [Fact]
    public async Task The_sample_has_moved_to_Microsoft_Graph_and_has_no_retiring_call()
    {
        var result = await Tool.RunAsync(["lifecycle", Path.Combine(Tool.RepositoryRoot, "samples", "MultiTenantSoc"), "--include-at-risk"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("", result.Output.Trim());
        Assert.Contains("0 call(s) to retiring or retired operations, 0 to at-risk ones.", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_manifest_does_not_stop_the_scan_of_hand_written_calls()
    {
        Write("defender-scopes.json", """{ "permissions": { "Microsoft Threat Protection": { "application": ["AdvancedHunting.Read.All" """);
        Write("Raw.cs", """
            public sealed class Raw
            {
                public Task Run(HttpClient http) => http.PostAsync("https://api.security.microsoft.com/api/advancedhunting/run", null);
            }
            """);

        var result = await Tool.RunAsync(["lifecycle", _folder.FullName]);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("RunAdvancedHuntingQuery", result.Output, StringComparison.Ordinal);
        // Nothing is declared in a manifest that cannot be read, so nothing is offered for removal.
        Assert.DoesNotContain("then remove", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_path_is_a_usage_error()
    {
        var result = await Tool.RunAsync(["lifecycle", Path.Combine(_folder.FullName, "nowhere")]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("Neither a project file nor a folder", result.Error, StringComparison.Ordinal);
    }
}
