using Defender365.Toolkit.Analyzers.Rules;
using Defender365.Toolkit.Analyzers.Tests.Infrastructure;
using Defender365.Toolkit.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;
using Microsoft.CodeAnalysis.Text;

namespace Defender365.Toolkit.Analyzers.Tests.CodeFixes;

/// <summary>The DEF5001 fix moves a generated call to its replacement and declares the replacement's permission.</summary>
public sealed class MoveToReplacementCodeFixTests
{
    // The shapes the generator emits: area clients under the tenant client, Graph's under GraphSecurity.
    private const string Api = """
        using System.Collections.Generic;
        using System.Text.Json;
        using System.Threading;
        using System.Threading.Tasks;
        using Defender365.Toolkit.Authorization;
        using Legacy.Models;

        namespace Legacy.Models
        {
            public class RunAdvancedHuntingQueryRequest { public string? Query { get; set; } }
            public class RunAdvancedQueryRequest { public string? Query { get; set; } }
            public class GraphRunHuntingQueryRequest { public string? Query { get; set; } public string? Timespan { get; set; } }
            public class Column { public string? Name { get; set; } }
            public class AdvancedHuntingResponse { public List<Column>? Schema { get; set; } public List<Dictionary<string, JsonElement>>? Results { get; set; } public object? Stats { get; set; } }
            public class GraphHuntingQueryResults { public List<Column>? Schema { get; set; } public List<Dictionary<string, JsonElement>>? Results { get; set; } }
            public class GraphAlert { public string? Id { get; set; } }
        }

        namespace Legacy
        {
            public class AdvancedHuntingClient
            {
                [RequiresDefenderPermission("MicrosoftThreatProtection", "AdvancedHunting.Read.All", Operation = "RunAdvancedHuntingQuery")]
                public virtual Task<AdvancedHuntingResponse> RunAdvancedHuntingQueryAsync(RunAdvancedHuntingQueryRequest request, CancellationToken cancellationToken = default) => null!;

                [RequiresDefenderPermission("WindowsDefenderATP", "AdvancedQuery.Read.All", Operation = "RunAdvancedQuery")]
                public virtual Task<AdvancedHuntingResponse> RunAdvancedQueryAsync(Legacy.Models.RunAdvancedQueryRequest request, CancellationToken cancellationToken = default) => null!;
            }

            public class GraphSecurityAdvancedHuntingClient
            {
                [RequiresDefenderPermission("MicrosoftGraph", "ThreatHunting.Read.All", Operation = "GraphSecurity.RunHuntingQuery")]
                public virtual Task<GraphHuntingQueryResults> RunHuntingQueryAsync(GraphRunHuntingQueryRequest request, CancellationToken cancellationToken = default) => null!;
            }

            public class GraphSecurityAlertsClient
            {
                [RequiresDefenderPermission("MicrosoftGraph", "SecurityEvents.Read.All", "SecurityEvents.ReadWrite.All", Operation = "GraphSecurity.ListLegacyAlerts")]
                public virtual IAsyncEnumerable<JsonElement> ListLegacyAlertsAsync(string? filter = null, CancellationToken cancellationToken = default) => null!;

                [RequiresDefenderPermission("MicrosoftGraph", "SecurityAlert.Read.All", "SecurityAlert.ReadWrite.All", Operation = "GraphSecurity.ListAlertsV2")]
                public virtual IAsyncEnumerable<GraphAlert> ListAlertsV2Async(string? filter = null, CancellationToken cancellationToken = default) => null!;
            }

            public class GraphSecurityClient
            {
                public virtual GraphSecurityAdvancedHuntingClient AdvancedHunting { get; } = new();
                public virtual GraphSecurityAlertsClient Alerts { get; } = new();
            }

            public class DefenderTenantClient
            {
                public virtual AdvancedHuntingClient AdvancedHunting { get; } = new();
                public virtual GraphSecurityClient GraphSecurity { get; } = new();
            }
        }
        """;

    private const string Before = """
        using System.Text.Json;
        using System.Threading;
        using System.Threading.Tasks;
        using Legacy;
        using Legacy.Models;

        class App
        {
            async Task<int> RunAsync(DefenderTenantClient tenant, CancellationToken cancellationToken)
            {
                AdvancedHuntingResponse result = await tenant.AdvancedHunting.{|#0:RunAdvancedHuntingQueryAsync|}(new RunAdvancedHuntingQueryRequest { Query = "DeviceInfo" }, cancellationToken);
                var rows = result.Results?.Count ?? 0;
                await foreach (JsonElement alert in tenant.GraphSecurity.Alerts.{|#1:ListLegacyAlertsAsync|}(filter: "severity eq 'high'", cancellationToken))
                {
                    rows++;
                }

                var columns = (await tenant.AdvancedHunting.{|#2:RunAdvancedQueryAsync|}(new Legacy.Models.RunAdvancedQueryRequest { Query = "DeviceInfo" })).Schema;
                return rows + (columns?.Count ?? 0);
            }
        }
        """;

    private const string After = """
        using System.Text.Json;
        using System.Threading;
        using System.Threading.Tasks;
        using Legacy;
        using Legacy.Models;

        class App
        {
            async Task<int> RunAsync(DefenderTenantClient tenant, CancellationToken cancellationToken)
            {
                var result = await tenant.GraphSecurity.AdvancedHunting.RunHuntingQueryAsync(new GraphRunHuntingQueryRequest { Query = "DeviceInfo" }, cancellationToken);
                var rows = result.Results?.Count ?? 0;
                await foreach (var alert in tenant.GraphSecurity.Alerts.ListAlertsV2Async(filter: "severity eq 'high'", cancellationToken))
                {
                    rows++;
                }

                var columns = (await tenant.GraphSecurity.AdvancedHunting.RunHuntingQueryAsync(new Legacy.Models.GraphRunHuntingQueryRequest { Query = "DeviceInfo" })).Schema;
                return rows + (columns?.Count ?? 0);
            }
        }
        """;

    private const string Manifest = """
        {
          "permissions": {
            "Microsoft Threat Protection": { "application": ["AdvancedHunting.Read.All"] },
            "WindowsDefenderATP": { "application": ["AdvancedQuery.Read.All"] },
            "Microsoft Graph": { "application": ["SecurityEvents.Read.All"] }
          }
        }
        """;

    private const string FixedManifest = """
        {
          "permissions": {
            "Microsoft Threat Protection": { "application": ["AdvancedHunting.Read.All"] },
            "WindowsDefenderATP": { "application": ["AdvancedQuery.Read.All"] },
            "Microsoft Graph": { "application": ["SecurityEvents.Read.All", "ThreatHunting.Read.All", "SecurityAlert.Read.All"] }
          }
        }
        """;

    private static CSharpCodeFixTest<RetiringOperationAnalyzer, MoveToReplacementCodeFixProvider, DefaultVerifier> Test(string before, string after, string manifest, string fixedManifest) => new()
    {
        ReferenceAssemblies = RuleTest.ReferenceAssemblies,
        TestState =
        {
            Sources = { before, Api },
            AdditionalFiles = { (RuleTest.ManifestPath, SourceText.From(manifest)) },
            AdditionalReferences = { RuleTest.Toolkit },
        },
        FixedState =
        {
            Sources = { after, Api },
            AdditionalFiles = { (RuleTest.ManifestPath, SourceText.From(fixedManifest)) },
        },
        CodeActionEquivalenceKey = nameof(MoveToReplacementCodeFixProvider),
    };

    private static DiagnosticResult Def5001(int markup) => new DiagnosticResult(RetiringOperationAnalyzer.Rule).WithLocation(markup);

    [Fact]
    public async Task Moves_hunting_and_legacy_alert_calls_to_Graph_and_declares_what_they_need()
    {
        var test = Test(Before, After, Manifest, FixedManifest);
        test.TestState.ExpectedDiagnostics.AddRange([
            Def5001(0).WithArguments("RunAdvancedHuntingQuery", "stops working on 2027-02-01", new RetiringDiagnosticArguments("RunAdvancedHuntingQuery").Advice),
            Def5001(1).WithArguments("GraphSecurity.ListLegacyAlerts", "was retired on 2026-10-15", new RetiringDiagnosticArguments("GraphSecurity.ListLegacyAlerts").Advice),
            Def5001(2).WithArguments("RunAdvancedQuery", "stops working on 2027-02-01", new RetiringDiagnosticArguments("RunAdvancedQuery").Advice),
        ]);
        // One step per call when fixed one at a time; Fix All is one edit of the code and one of the manifest.
        test.NumberOfIncrementalIterations = 3;
        test.NumberOfFixAllIterations = 1;
        await test.RunAsync();
    }

    [Fact]
    public async Task A_call_through_a_variable_holding_the_area_client_is_reported_but_not_rewritten()
    {
        const string source = """
            using System.Threading.Tasks;
            using Legacy;
            using Legacy.Models;

            class App
            {
                Task Run(DefenderTenantClient tenant)
                {
                    var hunting = tenant.AdvancedHunting;
                    return hunting.{|#0:RunAdvancedHuntingQueryAsync|}(new RunAdvancedHuntingQueryRequest { Query = "DeviceInfo" });
                }
            }
            """;
        var test = Test(source, source, Manifest, Manifest);
        test.TestState.ExpectedDiagnostics.Add(Def5001(0).WithArguments("RunAdvancedHuntingQuery", "stops working on 2027-02-01", new RetiringDiagnosticArguments("RunAdvancedHuntingQuery").Advice));
        test.FixedState.ExpectedDiagnostics.Add(Def5001(0).WithArguments("RunAdvancedHuntingQuery", "stops working on 2027-02-01", new RetiringDiagnosticArguments("RunAdvancedHuntingQuery").Advice));
        test.FixedState.MarkupHandling = MarkupMode.Allow;
        await test.RunAsync();
    }

    // The advice text of an operation's DEF5001, from the catalog (its exact words are tested in RetiringOperationAnalyzerTests).
    private sealed record RetiringDiagnosticArguments(string OperationId)
    {
        public string Advice => Analyzers.Catalog.LifecycleText.Advice(Analyzers.Catalog.ApiCatalog.Instance.FindOperation(OperationId)!.Lifecycle!);
    }
}
