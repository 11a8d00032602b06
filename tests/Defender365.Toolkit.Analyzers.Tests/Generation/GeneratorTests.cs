using Defender365.Toolkit.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Defender365.Toolkit.Analyzers.Tests.Generation;

/// <summary>What the generator emits for representative manifests, and that it compiles cleanly.</summary>
public sealed class GeneratorTests
{
    private static GeneratorDriverRunResult RunAndCheckCaching(string manifest, string? rootNamespace = "Contoso.App")
    {
        var compilation = GeneratorHarness.Compilation();
        var (driver, output, diagnostics) = GeneratorHarness.Run(GeneratorHarness.Driver(manifest, rootNamespace), compilation);
        Assert.Empty(diagnostics);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        IncrementalAssert.SecondRunIsCached(driver, compilation);
        return driver.GetRunResult();
    }

    [Fact]
    public void Soc_manifest() => Baselines.Verify(nameof(Soc_manifest), RunAndCheckCaching(Manifests.Soc));

    [Fact]
    public void Graph_manifest_without_namespace_uses_the_root_namespace() =>
        Baselines.Verify(nameof(Graph_manifest_without_namespace_uses_the_root_namespace), RunAndCheckCaching(Manifests.GraphOnly));

    [Theory]
    [InlineData(LanguageVersion.CSharp10)]
    [InlineData(LanguageVersion.Latest)]
    public void Full_catalog_manifest_compiles_without_warnings(LanguageVersion version)
    {
        var compilation = GeneratorHarness.Compilation(version: version);
        var (driver, output, diagnostics) = GeneratorHarness.Run(GeneratorHarness.Driver([new InMemoryAdditionalText(GeneratorHarness.ManifestPath, Manifests.Everything())], version: version), compilation);
        Assert.Empty(diagnostics);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        Assert.Contains(output.SyntaxTrees, t => t.FilePath.EndsWith("Defender365.Permissions.g.cs", StringComparison.Ordinal));
        IncrementalAssert.SecondRunIsCached(driver, compilation);
    }

    [Fact]
    public void Generated_constants_have_the_permission_values()
    {
        var compilation = GeneratorHarness.Compilation("""
            namespace App
            {
                public static class Check
                {
                    public const string A = Contoso.SocConnector.Defender.DefenderPermissions.ThreatProtection.IncidentReadAll;
                    public const string B = Contoso.SocConnector.Defender.DefenderPermissions.WindowsDefenderAtp.MachineIsolate;
                }
            }
            """);
        var (_, output, _) = GeneratorHarness.Run(GeneratorHarness.Driver(Manifests.Soc), compilation);
        var check = output.GetTypeByMetadataName("App.Check")!;
        Assert.Equal("Incident.Read.All", check.GetMembers("A").OfType<IFieldSymbol>().Single().ConstantValue);
        Assert.Equal("Machine.Isolate", check.GetMembers("B").OfType<IFieldSymbol>().Single().ConstantValue);
    }

    [Theory]
    [InlineData("", false)]
    [InlineData("\"graphBeta\": false,", false)]
    [InlineData("\"graphBeta\": true,", true)]
    public void Graph_beta_operations_are_generated_only_when_the_manifest_opts_in(string option, bool generated)
    {
        var manifest = $$"""{ "namespace": "App.Defender", {{option}} "permissions": { "Microsoft Graph": { "application": ["ThreatHunting.Read.All"] } } }""";
        var (_, output, diagnostics) = GeneratorHarness.Run(GeneratorHarness.Driver(manifest), GeneratorHarness.Compilation());

        Assert.Empty(diagnostics);
        var hunting = output.GetTypeByMetadataName("App.Defender.GraphSecurityAdvancedHuntingClient")!;
        Assert.NotEmpty(hunting.GetMembers("RunHuntingQueryAsync"));
        Assert.Equal(generated, hunting.GetMembers("GetRunHuntingQueryAsync").Any());
    }

    [Fact]
    public void Undeclared_areas_and_operations_are_generated_but_hidden_from_IntelliSense()
    {
        // Incident.Read.All only: Incidents is declared (ListIncidents allowed, UpdateIncident not), MachineActions and
        // the Graph surface have nothing declared.
        var manifest = """{ "namespace": "App.Defender", "permissions": { "Microsoft Threat Protection": { "application": ["Incident.Read.All"] } } }""";
        var (_, output, _) = GeneratorHarness.Run(GeneratorHarness.Driver(manifest), GeneratorHarness.Compilation());
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));

        static bool Hidden(ISymbol symbol) => symbol.GetAttributes().Any(a =>
            a.AttributeClass?.ToDisplayString() == "System.ComponentModel.EditorBrowsableAttribute"
            && a.ConstructorArguments.Single().Value is 1 /* EditorBrowsableState.Never */);
        ISymbol Member(string type, string name) => output.GetTypeByMetadataName("App.Defender." + type)!.GetMembers(name).Single();

        Assert.False(Hidden(Member("DefenderTenantClient", "Incidents")));
        Assert.True(Hidden(Member("DefenderTenantClient", "MachineActions")));
        Assert.True(Hidden(Member("DefenderTenantClient", "GraphSecurity")));
        Assert.False(Hidden(Member("IncidentsClient", "ListIncidentsAsync")));
        Assert.True(Hidden(Member("IncidentsClient", "UpdateIncidentAsync")));
        Assert.True(Hidden(Member("MachineActionsClient", "IsolateMachineAsync")));
        Assert.True(Hidden(Member("GraphSecurityAlertsClient", "GetAlertV2Async")));
        Assert.Contains("Not declared in defender-scopes.json", Member("IncidentsClient", "UpdateIncidentAsync").GetDocumentationCommentXml(), StringComparison.Ordinal);
        Assert.DoesNotContain("Not declared", Member("IncidentsClient", "ListIncidentsAsync").GetDocumentationCommentXml(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GCCHigh")]
    [InlineData("DoD")]
    public void The_generated_client_carries_the_manifests_cloud_for_the_runtime(string cloud)
    {
        var manifest = $$"""{ "namespace": "App.Defender", "cloud": "{{cloud}}", "permissions": { "Microsoft Threat Protection": { "application": ["Incident.Read.All"] } } }""";
        var (_, output, _) = GeneratorHarness.Run(GeneratorHarness.Driver(manifest), GeneratorHarness.Compilation());

        var attribute = output.GetTypeByMetadataName("App.Defender.DefenderClient")!.GetAttributes()
            .Single(a => a.AttributeClass?.ToDisplayString() == "Defender365.Toolkit.Catalog.DefenderManifestAttribute");
        Assert.Equal(Enum.Parse<Defender365.Toolkit.Catalog.DefenderCloud>(cloud), (Defender365.Toolkit.Catalog.DefenderCloud)(int)attribute.ConstructorArguments.Single().Value!);
    }

    [Theory]
    [InlineData(LanguageVersion.CSharp10, false)]
    [InlineData(LanguageVersion.CSharp11, true)]
    [InlineData(LanguageVersion.Latest, true)]
    public void Always_sent_ids_are_not_nullable_and_required_where_the_language_has_it(LanguageVersion version, bool required)
    {
        var compilation = GeneratorHarness.Compilation(version: version);
        var (_, output, _) = GeneratorHarness.Run(GeneratorHarness.Driver([new InMemoryAdditionalText(GeneratorHarness.ManifestPath, Manifests.Soc)], version: version), compilation);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));

        var id = (IPropertySymbol)output.GetTypeByMetadataName("Contoso.SocConnector.Defender.Models.Machine")!.GetMembers("Id").Single();
        Assert.Equal(NullableAnnotation.NotAnnotated, id.NullableAnnotation);
        Assert.Equal(required, id.IsRequired);
        var name = (IPropertySymbol)output.GetTypeByMetadataName("Contoso.SocConnector.Defender.Models.Machine")!.GetMembers("ComputerDnsName").Single();
        Assert.Equal(NullableAnnotation.Annotated, name.NullableAnnotation);
    }

    [Fact]
    public void A_broken_manifest_reports_DEF1001_once_and_still_generates_the_entry_points()
    {
        // The user's code as it was before the typo: it must keep compiling, so DEF1001 is the one error seen.
        const string App = """
            using Contoso.Soc.Defender;
            public static class Program
            {
                public static void Main()
                {
                    System.Console.WriteLine(typeof(DefenderClient).Name + typeof(DefenderTenantClient).Name);
                }
            }
            """;
        var compilation = GeneratorHarness.Compilation(App);
        const string Broken = "{\n  \"namespace\": \"Contoso.Soc.Defender\",\n  \"permissions\": { \"Microsoft Threat Protection\": { \"application\": [\"Incident.Read.All\" } }\n}\n";
        var (driver, output, diagnostics) = GeneratorHarness.Run(GeneratorHarness.Driver(Broken), compilation);

        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal("DEF1001", diagnostic.Id);
        Assert.Equal(GeneratorHarness.ManifestPath, diagnostic.Location.GetLineSpan().Path);
        Assert.Equal(2, diagnostic.Location.GetLineSpan().StartLinePosition.Line);
        // The location names the file; the message does not say it again.
        Assert.StartsWith("Not valid JSON", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        Assert.NotEmpty(driver.GetRunResult().GeneratedTrees);
        IncrementalAssert.SecondRunIsCached(driver, compilation);
    }

    [Fact]
    public void Two_manifests_in_one_project_report_DEF1001_on_the_second()
    {
        var driver = GeneratorHarness.Driver([
            new InMemoryAdditionalText("/project/defender-scopes.json", Manifests.Soc),
            new InMemoryAdditionalText("/project/sub/defender-scopes.json", Manifests.GraphOnly),
        ]);
        var compilation = GeneratorHarness.Compilation();
        var (ran, _, diagnostics) = GeneratorHarness.Run(driver, compilation);
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal("DEF1001", diagnostic.Id);
        Assert.Equal("/project/sub/defender-scopes.json", diagnostic.Location.GetLineSpan().Path);
        IncrementalAssert.SecondRunIsCached(ran, compilation);
    }

    [Fact]
    public void Other_additional_files_are_ignored()
    {
        var (driver, _, diagnostics) = GeneratorHarness.Run(GeneratorHarness.Driver([new InMemoryAdditionalText("/project/appsettings.json", "{ not json")]), GeneratorHarness.Compilation());
        Assert.Empty(diagnostics);
        Assert.Empty(driver.GetRunResult().GeneratedTrees);
    }
}
