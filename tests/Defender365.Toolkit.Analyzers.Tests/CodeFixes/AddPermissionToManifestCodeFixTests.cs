using Defender365.Toolkit.Analyzers.Rules;
using Defender365.Toolkit.Analyzers.Tests.Infrastructure;
using Defender365.Toolkit.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;
using Microsoft.CodeAnalysis.Text;

namespace Defender365.Toolkit.Analyzers.Tests.CodeFixes;

/// <summary>The DEF2001 fix edits defender-scopes.json in place, keeping its layout.</summary>
public sealed class AddPermissionToManifestCodeFixTests
{
    private const string Api = """
        using Defender365.Toolkit.Authorization;

        public class Clients
        {
            [RequiresDefenderPermission("MicrosoftThreatProtection", "Incident.ReadWrite.All", Operation = "UpdateIncident")]
            public void UpdateIncident() { }

            [RequiresDefenderPermission("MicrosoftThreatProtection", "AdvancedHunting.Read.All", Operation = "RunAdvancedHuntingQuery")]
            public void Hunt() { }

            [RequiresDefenderPermission("WindowsDefenderATP", "Machine.Isolate", Operation = "IsolateMachine")]
            public void Isolate() { }
        }
        """;

    // source: C# with each expected DEF2001 marked {|DEF2001:Name|}.
    private static async Task VerifyAsync(string source, string manifest, string fixedManifest, int diagnostics, bool fixAll = false, string manifestPath = RuleTest.ManifestPath)
    {
        var test = new CSharpCodeFixTest<UndeclaredPermissionAnalyzer, AddPermissionToManifestCodeFixProvider, DefaultVerifier>
        {
            ReferenceAssemblies = RuleTest.ReferenceAssemblies,
            TestState =
            {
                Sources = { source, Api },
                AdditionalFiles = { (manifestPath, SourceText.From(manifest)) },
                // As the package's targets give an AdditionalFiles item marked Defender365Manifest="true".
                AnalyzerConfigFiles = { ("/.globalconfig", $"is_global = true\n\n[{manifestPath}]\nbuild_metadata.AdditionalFiles.Defender365Manifest = true\n") },
                AdditionalReferences = { RuleTest.Toolkit },
            },
            FixedState =
            {
                // The calls stay; their diagnostics are gone because the manifest now declares what they need.
                Sources = { System.Text.RegularExpressions.Regex.Replace(source, @"\{\|DEF2001:([^|]*)\|\}", "$1"), Api },
                AdditionalFiles = { (manifestPath, SourceText.From(fixedManifest)) },
            },
            CodeActionEquivalenceKey = nameof(AddPermissionToManifestCodeFixProvider),
        };
        test.DisabledDiagnostics.Add("DEF2002");

        if (fixAll)
        {
            // Fix All makes one edit; fixing one diagnostic at a time takes one step per distinct permission and ends
            // in the same file.
            test.NumberOfFixAllIterations = 1;
            test.NumberOfIncrementalIterations = diagnostics;
            test.CodeFixTestBehaviors = CodeFixTestBehaviors.SkipFixAllInDocumentCheck;
        }
        else
        {
            test.NumberOfIncrementalIterations = diagnostics;
        }

        await test.RunAsync();
    }

    [Fact]
    public Task Edits_a_manifest_marked_by_item_metadata_whatever_its_name() => VerifyAsync(
        "class App { void Run(Clients c) { c.{|DEF2001:UpdateIncident|}(); } }",
        """{ "permissions": { "Microsoft Threat Protection": { "application": ["Incident.Read.All"] } } }""",
        """{ "permissions": { "Microsoft Threat Protection": { "application": ["Incident.ReadWrite.All"] } } }""",
        diagnostics: 1,
        manifestPath: "/0/config/my-scopes.json");

    [Fact]
    public Task Adds_to_a_single_line_application_array() => VerifyAsync(
        "class App { void Run(Clients c) { c.{|DEF2001:Hunt|}(); } }",
        """{ "permissions": { "Microsoft Threat Protection": { "application": ["Incident.Read.All"] } } }""",
        """{ "permissions": { "Microsoft Threat Protection": { "application": ["Incident.Read.All", "AdvancedHunting.Read.All"] } } }""",
        diagnostics: 1);

    [Fact]
    public Task Replaces_the_weaker_permission_the_new_one_covers() => VerifyAsync(
        "class App { void Run(Clients c) { c.{|DEF2001:UpdateIncident|}(); } }",
        """{ "permissions": { "Microsoft Threat Protection": { "application": ["AdvancedHunting.Read.All", "Incident.Read.All"] } } }""",
        """{ "permissions": { "Microsoft Threat Protection": { "application": ["AdvancedHunting.Read.All", "Incident.ReadWrite.All"] } } }""",
        diagnostics: 1);

    [Fact]
    public Task Adds_on_its_own_line_to_a_multi_line_array_keeping_indentation_and_comments() => VerifyAsync(
        "class App { void Run(Clients c) { c.{|DEF2001:Hunt|}(); } }",
        """
        {
          // what the SOC connector holds
          "permissions": {
            "Microsoft Threat Protection": {
              "application": [
                "Incident.Read.All"
              ]
            }
          }
        }
        """,
        """
        {
          // what the SOC connector holds
          "permissions": {
            "Microsoft Threat Protection": {
              "application": [
                "Incident.Read.All",
                "AdvancedHunting.Read.All"
              ]
            }
          }
        }
        """,
        diagnostics: 1);

    [Fact]
    public Task Adds_a_missing_resource_entry() => VerifyAsync(
        "class App { void Run(Clients c) { c.{|DEF2001:Isolate|}(); } }",
        """
        {
          "permissions": {
            "Microsoft Threat Protection": { "application": ["Incident.Read.All"] }
          }
        }
        """,
        """
        {
          "permissions": {
            "Microsoft Threat Protection": { "application": ["Incident.Read.All"] },
            "WindowsDefenderATP": { "application": ["Machine.Isolate"] }
          }
        }
        """,
        diagnostics: 1);

    [Fact]
    public Task Fix_all_declares_every_missing_permission_once() => VerifyAsync(
        "class App { void Run(Clients c) { c.{|DEF2001:UpdateIncident|}(); c.{|DEF2001:Hunt|}(); c.{|DEF2001:Hunt|}(); c.{|DEF2001:Isolate|}(); } }",
        """{ "permissions": { "Microsoft Threat Protection": { "application": ["Incident.Read.All"] } } }""",
        """{ "permissions": { "Microsoft Threat Protection": { "application": ["Incident.ReadWrite.All", "AdvancedHunting.Read.All"] }, "WindowsDefenderATP": { "application": ["Machine.Isolate"] } } }""",
        diagnostics: 3,
        fixAll: true);
}
