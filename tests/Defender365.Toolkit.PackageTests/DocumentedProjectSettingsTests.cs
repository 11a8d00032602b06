using System.Text.Json;
using System.Xml.Linq;
using Defender365.Toolkit.Documentation;

namespace Defender365.Toolkit.PackageTests;

/// <summary>
/// The project settings the docs show, in a real build of a consumer: the <c>.editorconfig</c> and <c>.globalconfig</c>
/// severities of docs/analyzers.md change what the build reports, and the <c>AdditionalFiles</c> item of docs/manifest.md
/// makes a file with another name and place the manifest the generator reads.
/// </summary>
[Collection(nameof(PackageCollection))]
public sealed class DocumentedProjectSettingsTests(PackageFixture package)
{
    [Fact]
    public async Task The_documented_severities_and_manifest_item_take_effect_in_a_build()
    {
        var blocks = DocumentationBlocks.CheckedBy(nameof(DocumentedProjectSettingsTests));
        var editorConfig = blocks.Single(b => b.Language == "ini" && b.Body.StartsWith("[*.cs]", StringComparison.Ordinal));
        var globalConfig = blocks.Single(b => b.Language == "ini" && b.Body.StartsWith("is_global = true", StringComparison.Ordinal));
        var manifestItem = blocks.Single(b => b.Language == "xml");

        // DEF2002 (default info) for the unneeded ReadWrite permission; DEF4001 (default warning) for the logged token.
        var project = package.CreateConsumer("Settings", "{}", """
            using Docs.Defender;
            using Defender365.Toolkit.Authentication;
            using Defender365.Toolkit.Catalog;

            public static class App
            {
                public static async System.Threading.Tasks.Task Run(DefenderClient client, DefenderAppCredential credential, string tenantId)
                {
                    await foreach (var incident in client.ForTenant(tenantId).Incidents.ListIncidentsAsync())
                    {
                        System.Console.WriteLine(incident.IncidentName);
                    }

                    var token = await credential.GetTokenAsync(tenantId, DefenderResourceIds.ThreatProtection);
                    System.Console.WriteLine(token.Token);
                }

                public static void Main()
                {
                }
            }
            """);
        File.Delete(Path.Combine(project, "defender-scopes.json"));
        var manifestPath = XElement.Parse(manifestItem.Body).Descendants("AdditionalFiles").Single().Attribute("Include")!.Value;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(project, manifestPath))!);
        File.WriteAllText(Path.Combine(project, manifestPath), """
            { "namespace": "Docs.Defender", "permissions": { "Microsoft Threat Protection": { "application": ["Incident.Read.All", "Incident.ReadWrite.All"] } } }
            """);
        var projectFile = Path.Combine(project, "Settings.csproj");
        File.WriteAllText(projectFile, File.ReadAllText(projectFile)
            .Replace("<TreatWarningsAsErrors>true</TreatWarningsAsErrors>", "<TreatWarningsAsErrors>false</TreatWarningsAsErrors>", StringComparison.Ordinal)
            .Replace("</Project>", manifestItem.Body + "\n</Project>", StringComparison.Ordinal));
        File.WriteAllText(Path.Combine(project, ".editorconfig"), "root = true\n\n" + editorConfig.Body + "\n");
        File.WriteAllText(Path.Combine(project, ".globalconfig"), globalConfig.Body + "\n");
        var sarif = Path.Combine(project, "build.sarif");

        var build = await DotNet.RunAsync(project, "build", "-nodeReuse:false", $"-p:ErrorLog={sarif}%2Cversion=2.1");

        // The generated namespace compiled, so the manifest came from the documented item; the severities are the docs'.
        Assert.DoesNotContain("error CS", build.Output, StringComparison.Ordinal);
        Assert.Matches(@"Program\.cs\(\d+,\d+\): error DEF4001", build.Output);
        Assert.Matches(@"my-scopes\.json\(1,\d+\): warning DEF2002: .*Incident\.ReadWrite\.All", build.Output);
        Assert.NotEqual(0, build.ExitCode);
        using var log = JsonDocument.Parse(File.ReadAllText(sarif));
        var levels = log.RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray()
            .ToLookup(r => r.GetProperty("ruleId").GetString()!, r => r.GetProperty("level").GetString());
        Assert.Equal(["error"], levels["DEF4001"].Distinct());
        Assert.Equal(["warning"], levels["DEF2002"].Distinct());
    }
}
