using Defender365.Toolkit.Analyzers.Manifest;
using Defender365.Toolkit.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis.Text;

namespace Defender365.Toolkit.Analyzers.Tests.Manifest;

/// <summary>Every DEF1001/DEF1002 case, at its exact place in the file.</summary>
public sealed class ManifestParserTests
{
    private static ManifestParseResult Parse(string json) =>
        ManifestParser.Parse(GeneratorHarness.ManifestPath, SourceText.From(json), CancellationToken.None);

    /// <summary>Asserts one diagnostic, with the id, at the span of <paramref name="at"/> (its n-th occurrence), whose message contains <paramref name="says"/>.</summary>
    private static void Single(string json, string id, string at, string says, int occurrence = 1)
    {
        var result = Parse(json);
        var diagnostic = Assert.Single(result.Diagnostics);
        var start = -1;
        for (var i = 0; i < occurrence; i++)
        {
            start = json.IndexOf(at, start + 1, StringComparison.Ordinal);
        }

        Assert.True(start >= 0, $"marker {at} not in the manifest");
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(GeneratorHarness.ManifestPath, diagnostic.Location.FilePath);
        Assert.Equal(new TextSpan(start, at.Length), diagnostic.Location.Span);
        Assert.Equal(SourceText.From(json).Lines.GetLinePositionSpan(new TextSpan(start, at.Length)), diagnostic.Location.LineSpan);
        Assert.Contains(says, diagnostic.Message, StringComparison.Ordinal);
    }

    private static string WithPermissions(string permissions) => $$"""
        {
          "namespace": "Contoso.Defender",
          "permissions": {{permissions}}
        }
        """;

    [Fact]
    public void GraphBeta_must_be_a_boolean()
    {
        Single("""{ "graphBeta": "yes", "permissions": {} }""", "DEF1001", "\"yes\"", "'graphBeta' must be true or false; found a string");
        Assert.True(Parse("""{ "graphBeta": true, "permissions": {} }""").Spec!.GraphBeta);
        Assert.False(Parse("""{ "permissions": {} }""").Spec!.GraphBeta);
    }

    [Fact]
    public void A_valid_manifest_gives_a_sorted_spec_and_no_diagnostic()
    {
        var result = Parse(Manifests.Soc);
        Assert.Empty(result.Diagnostics);
        Assert.Equal("Contoso.SocConnector.Defender", result.Spec!.Namespace);
        Assert.Equal(["MicrosoftThreatProtection", "WindowsDefenderATP"], result.Spec.Resources.Select(r => r.ResourceId));
        Assert.Equal(["AdvancedHunting.Read.All", "Incident.Read.All"], result.Spec.Resources[0].Application);
    }

    [Fact]
    public void Whitespace_comments_and_key_order_do_not_change_the_spec()
    {
        var reordered = """
            // The app's permissions.
            {
              "permissions": {
                "WindowsDefenderATP": { "application": [ "Machine.Isolate", "Machine.Read.All" ] },
                "Microsoft Threat Protection": { "application": [ "AdvancedHunting.Read.All", "Incident.Read.All" ] }
              },
              "cloud": "Commercial", "namespace": "Contoso.SocConnector.Defender"
            }
            """;
        Assert.Equal(Parse(Manifests.Soc).Spec, Parse(reordered).Spec);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("{ \"permissions\": { ", "end of file")]
    [InlineData("{ 'permissions': {} }", "double quotes")]
    [InlineData("{ \"permissions\": {}, }", "trailing comma")]
    public void Not_json_is_DEF1001_where_reading_stopped(string json, string says)
    {
        var diagnostic = Assert.Single(Parse(json).Diagnostics);
        Assert.Equal("DEF1001", diagnostic.Id);
        Assert.Contains(says, diagnostic.Message, StringComparison.Ordinal);
        Assert.InRange(diagnostic.Location.Span.Start, 0, json.Length);
        Assert.Null(Parse(json).Spec);
    }

    [Fact]
    public void Trailing_garbage_is_DEF1001_at_the_garbage() =>
        Single("""{ "permissions": {} } x""", "DEF1001", "x", "after the end");

    [Fact]
    public void A_root_that_is_not_an_object_is_DEF1001() =>
        Single("""["Incident.Read.All"]""", "DEF1001", """["Incident.Read.All"]""", "must be a JSON object; found an array");

    [Fact]
    public void Unknown_top_level_property_suggests_the_right_one() =>
        Single("""{ "permisions": {}, "permissions": {} }""", "DEF1001", "\"permisions\"", "Did you mean 'permissions'?");

    [Fact]
    public void Duplicate_property_is_DEF1001_at_the_second() =>
        Single("""{ "cloud": "GCC", "cloud": "DoD", "permissions": {} }""", "DEF1001", "\"cloud\"", "more than once", occurrence: 2);

    [Fact]
    public void Wrong_types_are_DEF1001_at_the_value()
    {
        Single("""{ "namespace": 42, "permissions": {} }""", "DEF1001", "42", "must be a string; found a number");
        Single("""{ "permissions": [] }""", "DEF1001", "[]", "must be an object");
        Single(WithPermissions("""{ "WindowsDefenderATP": { "application": "Machine.Read.All" } }"""), "DEF1001", "\"Machine.Read.All\"", "must be an array");
        Single(WithPermissions("""{ "WindowsDefenderATP": { "application": [ true ] } }"""), "DEF1001", "true", "must be a string; found a boolean");
        Single(WithPermissions("""{ "WindowsDefenderATP": ["Machine.Read.All"] }"""), "DEF1001", "[\"Machine.Read.All\"]", "'application' and/or 'delegated'");
    }

    [Fact]
    public void Invalid_namespace_and_cloud_are_DEF1001()
    {
        Single("""{ "namespace": "Contoso.class", "permissions": {} }""", "DEF1001", "\"Contoso.class\"", "not a valid C# namespace");
        Single("""{ "cloud": "gcchigh", "permissions": {} }""", "DEF1001", "\"gcchigh\"", "Did you mean 'GCCHigh'?");
    }

    [Theory]
    [InlineData("var.dynamic.nameof")]
    [InlineData("Contoso.var")]
    [InlineData("global.Contoso")]
    [InlineData("Contoso.record")]
    [InlineData("Contoso..Defender")]
    [InlineData("Contoso.Defender.")]
    [InlineData("Contoso.1Defender")]
    [InlineData("Contoso Defender")]
    public void A_namespace_the_generated_code_could_not_use_is_DEF1001_at_its_value(string ns) =>
        Single($$"""{ "namespace": "{{ns}}", "permissions": {} }""", "DEF1001", $"\"{ns}\"", "not a valid C# namespace");

    [Fact]
    public void A_namespace_too_long_to_be_meant_is_DEF1001_before_any_code_is_generated()
    {
        var huge = string.Join(".", Enumerable.Repeat("A", 5000));
        Single($$"""{ "namespace": "{{huge}}", "permissions": {} }""", "DEF1001", $"\"{huge}\"", "at most 512 characters");
        var deep = string.Join(".", Enumerable.Repeat("A", 40));
        Single($$"""{ "namespace": "{{deep}}", "permissions": {} }""", "DEF1001", $"\"{deep}\"", "at most 32 parts");
        var wide = new string('N', 600);
        Single($$"""{ "namespace": "{{wide}}", "permissions": {} }""", "DEF1001", $"\"{wide}\"", "at most 512 characters");
    }

    [Theory]
    [InlineData("Contoso.Defender")]
    [InlineData("_Private.X9")]
    [InlineData("Ünïcode.Naméspace")]
    public void A_valid_namespace_is_accepted_and_the_generated_code_compiles(string ns)
    {
        var manifest = $$"""{ "namespace": "{{ns}}", "permissions": { "Microsoft Threat Protection": { "application": ["Incident.Read.All"] } } }""";
        Assert.Empty(Parse(manifest).Diagnostics);
        var (_, output, diagnostics) = GeneratorHarness.Run(GeneratorHarness.Driver(manifest), GeneratorHarness.Compilation());
        Assert.Empty(diagnostics);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error));
    }

    [Fact]
    public void A_byte_order_mark_is_whitespace_only_at_the_start_of_the_manifest()
    {
        Assert.Empty(Parse("\uFEFF" + WithPermissions("{}")).Diagnostics);
        var inside = WithPermissions("{}").Replace("\"permissions\"", "\uFEFF\"permissions\"", StringComparison.Ordinal);
        var diagnostic = Assert.Single(Parse(inside).Diagnostics);
        Assert.Equal("DEF1001", diagnostic.Id);
        Assert.Equal(inside.IndexOf('\uFEFF', StringComparison.Ordinal), diagnostic.Location.Span.Start);
    }

    [Fact]
    public void Missing_permissions_is_DEF1001_at_the_start() =>
        Single("""{ "namespace": "A.B" }""", "DEF1001", "{", "no 'permissions'");

    [Fact]
    public void Unknown_resource_is_DEF1002_with_the_portal_name()
    {
        Single(WithPermissions("""{ "MicrosoftThreatProtection": { "application": [] } }"""), "DEF1002", "\"MicrosoftThreatProtection\"", "Did you mean 'Microsoft Threat Protection'?");
        Single(WithPermissions("""{ "Microsoft Threat Protecton": { "application": [] } }"""), "DEF1002", "\"Microsoft Threat Protecton\"", "Did you mean 'Microsoft Threat Protection'?");
    }

    [Fact]
    public void Unknown_permission_is_DEF1002_with_a_suggestion_from_the_catalog() =>
        Single(WithPermissions("""{ "Microsoft Threat Protection": { "application": ["Incident.Reed.All"] } }"""), "DEF1002", "\"Incident.Reed.All\"", "Did you mean 'Incident.Read.All'?");

    [Fact]
    public void Wrong_case_is_DEF1002_because_names_are_case_sensitive() =>
        Single(WithPermissions("""{ "Microsoft Threat Protection": { "application": ["incident.read.all"] } }"""), "DEF1002", "\"incident.read.all\"", "case-sensitive. Did you mean 'Incident.Read.All'?");

    [Fact]
    public void Delegated_permission_under_application_and_the_reverse_are_DEF1002()
    {
        Single(WithPermissions("""{ "Microsoft Threat Protection": { "application": ["Incident.Read"] } }"""), "DEF1002", "\"Incident.Read\"", "list it under 'delegated'");
        Single(WithPermissions("""{ "Microsoft Threat Protection": { "delegated": ["Incident.Read.All"] } }"""), "DEF1002", "\"Incident.Read.All\"", "list it under 'application'");
    }

    [Fact]
    public void A_permission_of_another_resource_names_its_owner() =>
        Single(WithPermissions("""{ "Microsoft Threat Protection": { "application": ["Machine.Read.All"] } }"""), "DEF1002", "\"Machine.Read.All\"", "belongs to WindowsDefenderATP");

    [Fact]
    public void A_permission_listed_twice_is_DEF1001_at_the_second() =>
        Single(WithPermissions("""{ "WindowsDefenderATP": { "application": ["Machine.Read.All", "Machine.Read.All"] } }"""), "DEF1001", "\"Machine.Read.All\"", "listed twice", occurrence: 2);

    [Fact]
    public void What_is_valid_is_kept_when_one_entry_is_wrong()
    {
        var result = Parse(WithPermissions("""{ "WindowsDefenderATP": { "application": ["Machine.Read.All", "Machine.Nope"] } }"""));
        Assert.Single(result.Diagnostics);
        Assert.Equal(["Machine.Read.All"], result.Spec!.Resources.Single().Application);
    }

    [Fact]
    public void Diagnostics_on_later_lines_carry_the_line_and_column()
    {
        var json = "{\n  \"permissions\": {\n    \"WindowsDefenderATP\": { \"application\": [\"Machine.Nope\"] }\n  }\n}";
        var diagnostic = Assert.Single(Parse(json).Diagnostics);
        // Line 3, column 45 in an editor (0-based 2 and 44): the opening quote of "Machine.Nope".
        Assert.Equal(new LinePosition(2, 44), diagnostic.Location.LineSpan.Start);
    }
}
