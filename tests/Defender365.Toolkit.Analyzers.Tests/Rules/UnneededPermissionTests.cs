using Defender365.Toolkit.Analyzers.Rules;
using Defender365.Toolkit.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis.Testing;

namespace Defender365.Toolkit.Analyzers.Tests.Rules;

/// <summary>DEF2002: declared permissions no call needs, reported at their place in the manifest.</summary>
public sealed class UnneededPermissionTests
{
    private const string Api = """
        using Defender365.Toolkit.Authorization;

        public class IncidentsClient
        {
            [RequiresDefenderPermission("MicrosoftThreatProtection", "Incident.Read.All", "Incident.ReadWrite.All", Operation = "ListIncidents")]
            public void ListIncidentsAsync() { }
        }
        """;

    private static Task VerifyAsync(string source, string manifest, params DiagnosticResult[] expected) =>
        RuleTest.For<UndeclaredPermissionAnalyzer>(source, Api).WithToolkit().WithManifest(manifest).Expect(expected).RunAsync();

    /// <summary>DEF2002 at the quoted permission on the (single) line of a one-line manifest.</summary>
    private static DiagnosticResult At(string manifest, string permission)
    {
        var column = manifest.IndexOf($"\"{permission}\"", StringComparison.Ordinal) + 1;
        return new DiagnosticResult(UndeclaredPermissionAnalyzer.UnneededRule)
            .WithSpan(RuleTest.ManifestPath, 1, column, 1, column + permission.Length + 2)
            .WithArguments(permission, "Microsoft Threat Protection");
    }

    [Fact]
    public Task A_permission_broader_than_any_call_needs_and_an_unused_one_are_reported()
    {
        const string Manifest = """{ "permissions": { "Microsoft Threat Protection": { "application": ["Incident.Read.All", "Incident.ReadWrite.All", "AdvancedHunting.Read.All"] } } }""";
        return VerifyAsync(
            "class App { void Run(IncidentsClient c) => c.ListIncidentsAsync(); }",
            Manifest,
            At(Manifest, "Incident.ReadWrite.All"),
            At(Manifest, "AdvancedHunting.Read.All"));
    }

    [Fact]
    public Task A_ReadWrite_that_a_call_needs_through_implication_is_used() => VerifyAsync(
        "class App { void Run(IncidentsClient c) => c.ListIncidentsAsync(); }",
        """{ "permissions": { "Microsoft Threat Protection": { "application": ["Incident.ReadWrite.All"] } } }""");

    [Fact]
    public Task A_project_without_checked_calls_gets_no_report() => VerifyAsync(
        "class App { }",
        """{ "permissions": { "Microsoft Threat Protection": { "application": ["Incident.Read.All", "AdvancedHunting.Read.All"] } } }""");
}
