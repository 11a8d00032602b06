using Defender365.Toolkit.Analyzers.Manifest;
using Microsoft.CodeAnalysis.Text;

namespace Defender365.Toolkit.Analyzers.Tests.Manifest;

/// <summary>
/// The located reading DEF2002 and the DEF2001 fix use: each resource and permission at its span, and insertion points
/// that keep the file's layout. An edit made at an insertion point must read back as the same manifest plus the new
/// entry, with no new problem.
/// </summary>
public sealed class ManifestDocumentTests
{
    private const string Manifest = """
        {
          // comments stay
          "permissions": {
            "Microsoft Threat Protection": { "application": [ "Incident.Read.All", "Nope.Read" ] },
            "WindowsDefenderATP": {
              "application": [
                "Machine.Read.All"
              ]
            },
            "Microsoft Graph": { "delegated": [] }
          }
        }
        """;

    [Fact]
    public void Each_permission_is_located_and_marked_known_or_not()
    {
        var document = ManifestParser.Read(SourceText.From(Manifest));

        Assert.Equal(["MicrosoftThreatProtection", "WindowsDefenderATP", "MicrosoftGraph"], document.Resources.Select(r => r.ResourceId));
        var permissions = document.Resources.SelectMany(r => r.Application).ToArray();
        Assert.Equal(["Incident.Read.All", "Nope.Read", "Machine.Read.All"], permissions.Select(p => p.Name));
        Assert.Equal([true, false, true], permissions.Select(p => p.IsKnown));
        Assert.All(permissions, p => Assert.Equal("\"" + p.Name + "\"", Manifest.Substring(p.Span.Start, p.Span.Length)));

        var problem = Assert.Single(document.Problems);
        Assert.Equal(document.Resources[0].Application[1].Span, problem.Span);
        Assert.Equal("/p/defender-scopes.json", Assert.Single(document.ToResult("/p/defender-scopes.json").Diagnostics).Location.FilePath);
    }

    [Theory]
    [InlineData("Microsoft Threat Protection", "AdvancedHunting.Read.All", "\"Incident.Read.All\", \"Nope.Read\", \"AdvancedHunting.Read.All\" ]")]
    [InlineData("WindowsDefenderATP", "Ip.Read.All", "\"Machine.Read.All\",\n        \"Ip.Read.All\"\n")]
    [InlineData("Microsoft Graph", "SecurityIncident.Read.All", "{ \"delegated\": [], \"application\": [\"SecurityIncident.Read.All\"] }")]
    public void An_edit_at_an_insertion_point_keeps_the_layout_and_reads_back(string resource, string permission, string expected)
    {
        var document = ManifestParser.Read(SourceText.From(Manifest));
        var grant = document.FindResource(resource)!;
        var change = grant.NewApplicationItem?.Insert("\"" + permission + "\"") ?? grant.NewApplicationArray!.Insert($"\"application\": [\"{permission}\"]");

        var edited = document.Text.WithChanges(change);
        Assert.Contains(expected, edited.ToString().Replace("\r\n", "\n", StringComparison.Ordinal), StringComparison.Ordinal);
        var reread = ManifestParser.Read(edited);
        Assert.Contains(permission, reread.Resources.Single(r => r.DisplayName == resource).Application.Select(p => p.Name));
        Assert.Equal(document.Problems.Count, reread.Problems.Count);
    }

    [Fact]
    public void A_new_resource_goes_after_the_last_one_and_an_empty_object_is_filled_in_place()
    {
        var document = ManifestParser.Read(SourceText.From(Manifest));
        var edited = document.Text.WithChanges(document.NewResource!.Insert("\"Microsoft Graph\": {}"));
        Assert.Contains("\"delegated\": [] },\n    \"Microsoft Graph\": {}", edited.ToString().Replace("\r\n", "\n", StringComparison.Ordinal), StringComparison.Ordinal);

        var empty = ManifestParser.Read(SourceText.From("""{ "permissions": {} }"""));
        Assert.Equal("""{ "permissions": { "x": 1 } }""", empty.Text.WithChanges(empty.NewResource!.Insert("\"x\": 1")).ToString());
        Assert.Null(ManifestParser.Read(SourceText.From("""{ "permissions": [] }""")).NewResource);
    }
}
