using System.Text.Json;

namespace Defender365.Toolkit.Cli.Scanning;

/// <summary>
/// Writes a scan (of secrets, or of calls to retiring operations) as SARIF 2.1.0, the format code-scanning services read (GitHub code scanning, Azure DevOps): one run,
/// the rules with their help links, one result per finding with a path relative to the scanned folder.
/// </summary>
internal static class SarifLog
{
    public static void Write(Stream stream, ScanResult scan, string toolVersion, string toolName = "defender365 scan")
    {
        // Read by code-scanning services and people, never embedded in HTML: quotes in messages stay readable.
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        json.WriteStartObject();
        json.WriteString("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
        json.WriteString("version", "2.1.0");
        json.WriteStartArray("runs");
        json.WriteStartObject();

        json.WriteStartObject("tool");
        json.WriteStartObject("driver");
        json.WriteString("name", toolName);
        json.WriteString("version", toolVersion);
        json.WriteString("informationUri", "https://github.com/defender365-toolkit/Defender365.Toolkit");
        json.WriteStartArray("rules");
        foreach (var rule in scan.Findings.GroupBy(f => f.RuleId).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            json.WriteStartObject();
            json.WriteString("id", rule.Key);
            json.WriteStartObject("shortDescription");
            json.WriteString("text", rule.First().Title);
            json.WriteEndObject();
            if (rule.First().HelpUri is { Length: > 0 } help)
            {
                json.WriteString("helpUri", help);
            }

            json.WriteStartObject("defaultConfiguration");
            json.WriteString("level", SarifLevel(rule.First()));
            json.WriteEndObject();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();

        json.WriteStartObject("originalUriBaseIds");
        json.WriteStartObject("SRCROOT");
        json.WriteString("uri", new Uri(Path.TrimEndingDirectorySeparator(scan.Folder) + Path.DirectorySeparatorChar).AbsoluteUri);
        json.WriteEndObject();
        json.WriteEndObject();

        json.WriteStartArray("results");
        foreach (var finding in scan.Findings)
        {
            json.WriteStartObject();
            json.WriteString("ruleId", finding.RuleId);
            json.WriteString("level", SarifLevel(finding));
            json.WriteStartObject("message");
            json.WriteString("text", finding.Message);
            json.WriteEndObject();
            json.WriteStartArray("locations");
            json.WriteStartObject();
            json.WriteStartObject("physicalLocation");
            json.WriteStartObject("artifactLocation");
            json.WriteString("uri", Path.GetRelativePath(scan.Folder, finding.Position.Path).Replace('\\', '/'));
            json.WriteString("uriBaseId", "SRCROOT");
            json.WriteEndObject();
            json.WriteStartObject("region");
            json.WriteNumber("startLine", finding.Position.StartLinePosition.Line + 1);
            json.WriteNumber("startColumn", finding.Position.StartLinePosition.Character + 1);
            json.WriteNumber("endLine", finding.Position.EndLinePosition.Line + 1);
            json.WriteNumber("endColumn", finding.Position.EndLinePosition.Character + 1);
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
    }

    // SARIF's names for the severities: error, warning, note.
    private static string SarifLevel(Finding finding) => finding.Level == "info" ? "note" : finding.Level;
}
