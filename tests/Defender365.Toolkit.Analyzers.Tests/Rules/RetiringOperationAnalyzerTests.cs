using Defender365.Toolkit.Analyzers.Rules;
using Defender365.Toolkit.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace Defender365.Toolkit.Analyzers.Tests.Rules;

/// <summary>DEF5001 (retiring or retired) and DEF5002 (at risk) at generated and hand-written calls, from the catalog's lifecycle data.</summary>
public sealed class RetiringOperationAnalyzerTests
{
    // The shape the generator emits: the catalog operation id on [RequiresDefenderPermission].
    private const string Api = """
        using Defender365.Toolkit.Authorization;

        public class Clients
        {
            [RequiresDefenderPermission("MicrosoftThreatProtection", "AdvancedHunting.Read.All", Operation = "RunAdvancedHuntingQuery")]
            public virtual void RunAdvancedHuntingQueryAsync(string query) { }

            [RequiresDefenderPermission("MicrosoftGraph", "SecurityEvents.Read.All", "SecurityEvents.ReadWrite.All", Operation = "GraphSecurity.ListLegacyAlerts")]
            public virtual void ListLegacyAlertsAsync() { }

            [RequiresDefenderPermission("WindowsDefenderATP", "Machine.Read.All", "Machine.ReadWrite.All", Operation = "ListMachines")]
            public virtual void ListMachinesAsync() { }

            [RequiresDefenderPermission("MicrosoftGraph", "ThreatHunting.Read.All", Operation = "GraphSecurity.RunHuntingQuery")]
            public virtual void RunHuntingQueryAsync(string query) { }

            [RequiresDefenderPermission("MicrosoftGraph", "SecurityAlert.Read.All", Operation = "NoSuchOperation")]
            public virtual void UnknownAsync() { }
        }
        """;

    private const string HuntingAdvice = "use GraphSecurity.RunHuntingQuery instead, which needs ThreatHunting.Read.All on Microsoft Graph. "
        + "Graph returns the rows and the schema in camelCase (results, schema) and no statistics; a response is capped at 50 MB.";

    private const string AtRiskOn = "dotnet_diagnostic.DEF5002.severity = suggestion";

    private static DiagnosticResult Def5001(int markup, string operation, string state, string advice) =>
        new DiagnosticResult(RetiringOperationAnalyzer.Rule).WithLocation(markup).WithArguments(operation, state, advice);

    [Fact]
    public Task A_generated_call_to_a_retiring_operation_names_the_date_the_replacement_and_its_permission() =>
        RuleTest.For<RetiringOperationAnalyzer>("""
            using System;
            class App
            {
                void Run(Clients c)
                {
                    c.{|#0:RunAdvancedHuntingQueryAsync|}("DeviceInfo");
                    Action<string> later = c.{|#1:RunAdvancedHuntingQueryAsync|};
                    c.RunHuntingQueryAsync("DeviceInfo");
                }
            }
            """, Api).WithToolkit()
            .Expect(Def5001(0, "RunAdvancedHuntingQuery", "stops working on 2027-02-01", HuntingAdvice), Def5001(1, "RunAdvancedHuntingQuery", "stops working on 2027-02-01", HuntingAdvice))
            .RunAsync();

    [Fact]
    public Task A_retired_operation_says_when_it_was_retired() =>
        RuleTest.For<RetiringOperationAnalyzer>("""
            class App { void Run(Clients c) { c?.{|#0:ListLegacyAlertsAsync|}(); } }
            """, Api).WithToolkit()
            .Expect(new DiagnosticResult(RetiringOperationAnalyzer.Rule).WithLocation(0).WithMessage(
                "GraphSecurity.ListLegacyAlerts was retired on 2026-10-15; use GraphSecurity.ListAlertsV2 instead, which needs SecurityAlert.Read.All on Microsoft Graph. "
                + "alerts_v2 returns the alerts of Defender XDR; standalone Microsoft Sentinel alerts appear there only once the workspace is onboarded to the Defender portal."))
            .RunAsync();

    [Fact]
    public Task Hand_written_requests_are_matched_through_the_catalog_path_templates_without_a_manifest_or_the_toolkit() =>
        RuleTest.For<RetiringOperationAnalyzer>("""
            using System;
            using System.Net.Http;
            using System.Threading.Tasks;
            class C
            {
                async Task Run(HttpClient http, string machineId)
                {
                    await http.PostAsync({|#0:"https://api.securitycenter.microsoft.com/api/advancedqueries/run"|}, null);
                    await http.SendAsync(new HttpRequestMessage(HttpMethod.Post, new Uri({|#1:"https://api.security.microsoft.com/api/advancedhunting/run"|})));
                    await http.PostAsync({|#2:$"https://api.securitycenter.microsoft.com/api/machines/{machineId}/startInvestigation"|}, null);
                    await http.PostAsync("https://graph.microsoft.com/v1.0/security/runHuntingQuery", null);
                    await http.GetAsync("https://api.securitycenter.microsoft.com/api/advancedqueries/run");
                }
            }
            """)
            .Expect(
                Def5001(0, "RunAdvancedQuery", "stops working on 2027-02-01", HuntingAdvice),
                Def5001(1, "RunAdvancedHuntingQuery", "stops working on 2027-02-01", HuntingAdvice),
                Def5001(2, "StartInvestigation", "was retired on 2026-09-01",
                    "use RunAntiVirusScan instead, which needs Machine.Scan on WindowsDefenderATP. Automated investigations no longer run as separate investigations and cannot be started by hand; run a full antivirus scan (ScanType Full) instead."))
            .RunAsync();

    // The test framework turns every rule on, so the default is asserted on the descriptor (and seen off in consumer builds).
    [Fact]
    public void At_risk_operations_are_off_by_default_and_retiring_ones_warn()
    {
        Assert.False(RetiringOperationAnalyzer.AtRiskRule.IsEnabledByDefault);
        Assert.True(RetiringOperationAnalyzer.Rule.IsEnabledByDefault);
        Assert.Equal(DiagnosticSeverity.Warning, RetiringOperationAnalyzer.Rule.DefaultSeverity);
    }

    // Outside the test framework (which turns every rule on): what a build with default settings, and with DEF5002 set in
    // the project, reports. The analyzer skips at-risk operations entirely while DEF5002 is off.
    [Theory]
    [InlineData(null, new[] { "DEF5001" })]
    [InlineData(ReportDiagnostic.Info, new[] { "DEF5001", "DEF5002" })]
    [InlineData(ReportDiagnostic.Suppress, new[] { "DEF5001" })]
    public async Task DEF5002_is_off_unless_a_setting_turns_it_on(ReportDiagnostic? atRisk, string[] expected)
    {
        var compilation = GeneratorHarness.Compilation("""
            class App { void Run(Clients c) { c.ListMachinesAsync(); c.RunAdvancedHuntingQueryAsync("x"); } }
            """).AddSyntaxTrees(Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(Api, GeneratorHarness.ParseOptions(Microsoft.CodeAnalysis.CSharp.LanguageVersion.CSharp10), path: "/project/Api.cs"));
        if (atRisk is { } setting)
        {
            compilation = compilation.WithOptions(compilation.Options.WithSpecificDiagnosticOptions([new KeyValuePair<string, ReportDiagnostic>("DEF5002", setting)]));
        }

        var diagnostics = await compilation.WithAnalyzers([new RetiringOperationAnalyzer()]).GetAnalyzerDiagnosticsAsync();

        Assert.Equal(expected, diagnostics.Select(d => d.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public Task At_risk_operations_are_not_reported_when_DEF5002_is_off() =>
        RuleTest.For<RetiringOperationAnalyzer>("""
            class App { void Run(Clients c) { c.ListMachinesAsync(); c.UnknownAsync(); } }
            """, Api).WithToolkit().Without("DEF5002").RunAsync();

    [Fact]
    public Task At_risk_operations_are_reported_when_DEF5002_is_turned_on_and_active_ones_never_are() =>
        RuleTest.For<RetiringOperationAnalyzer>("""
            using System.Net.Http;
            class App
            {
                void Run(Clients c, HttpClient http)
                {
                    c.{|#0:ListMachinesAsync|}();
                    c.RunHuntingQueryAsync("x");
                    c.UnknownAsync();
                    http.PatchAsync({|#1:"https://api.security.microsoft.com/api/incidents/7"|}, null);
                    http.GetAsync("https://graph.microsoft.com/v1.0/security/incidents");
                }
            }
            """, Api).WithToolkit().WithGlobalConfig(AtRiskOn)
            .Expect(
                new DiagnosticResult(RetiringOperationAnalyzer.AtRiskRule).WithSeverity(DiagnosticSeverity.Info).WithLocation(0).WithArguments(
                    "ListMachines",
                    "is at risk of retirement, with no date announced",
                    "Message Center MC1220762 is worded as retiring the Defender for Endpoint and Defender XDR APIs by 2027-02-01, while the pages that cite it name only advanced hunting; Microsoft Graph offers no replacement for this operation yet."),
                new DiagnosticResult(RetiringOperationAnalyzer.AtRiskRule).WithSeverity(DiagnosticSeverity.Info).WithLocation(1).WithArguments(
                    "UpdateIncident",
                    "is at risk of retirement, with no date announced",
                    "use GraphSecurity.UpdateIncident instead, which needs SecurityIncident.ReadWrite.All on Microsoft Graph. The Graph operation identifies items by string, spells enum values in camelCase and pages with @odata.nextLink."))
            .RunAsync();

    [Fact]
    public Task A_url_that_is_not_sent_is_not_a_call() =>
        RuleTest.For<RetiringOperationAnalyzer>("""
            class App
            {
                string Url => "https://api.security.microsoft.com/api/advancedhunting/run";
                void Log() => System.Console.WriteLine("https://api.security.microsoft.com/api/advancedhunting/run");
            }
            """).RunAsync();
}
