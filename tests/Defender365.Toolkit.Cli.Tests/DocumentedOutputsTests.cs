using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Defender365.Toolkit.Cli.Tests.Infrastructure;
using Defender365.Toolkit.Documentation;

namespace Defender365.Toolkit.Cli.Tests;

/// <summary>
/// The outputs docs/cli.md shows are what the tool prints: the page's own command (its <c>defender365 token</c> or
/// <c>doctor</c> line) runs against the emulator's demo tenants with the sample's manifest, and every line of the shown
/// output must match the printed line. Only what changes from run to run is loose: times, and the parts the page elides
/// with <c>…</c>. The emulator's address stands in for the sign-in host.
/// </summary>
public sealed partial class DocumentedOutputsTests(CliEmulatorFixture fixture) : IClassFixture<CliEmulatorFixture>
{
    private static IReadOnlyList<DocumentationBlock> Outputs => DocumentationBlocks.CheckedBy(nameof(DocumentedOutputsTests));

    [Fact]
    public async Task The_token_output_is_what_the_tool_prints()
    {
        var shown = Outputs.Single(b => b.Body.StartsWith("Resource", StringComparison.Ordinal));

        var result = await RunDocumentedAsync(shown, "token", tenants: null);

        Assert.True(result.ExitCode == 1, result.ToString());
        AssertMatches(shown, result.Output);
    }

    [Fact]
    public async Task The_doctor_table_is_what_the_tool_prints()
    {
        var shown = Outputs.Single(b => b.Body.StartsWith("TENANT", StringComparison.Ordinal));
        // The tenants are the table's (the demo tenants and the fixture's never-consented one), named as the table names them.
        var tenants = shown.Lines.Skip(2).TakeWhile(l => l.Length > 0)
            .Select(l => l.Split("  ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Select(cells => $"{cells[0]}  # {cells[1]}");

        var result = await RunDocumentedAsync(shown, "doctor", string.Join('\n', tenants));

        Assert.True(result.ExitCode == 1, result.ToString());
        AssertMatches(shown, result.Output);
    }

    [Fact]
    public async Task The_doctor_json_is_what_the_tool_prints()
    {
        var shown = Outputs.Single(b => b.Language == "json");
        var expected = JsonNode.Parse(shown.Body)!;
        var tenants = expected["tenants"]!.AsArray().Select(t => $"{(string)t!["tenant"]!}  {(string?)t["name"]}");

        var result = await RunDocumentedAsync(shown, "doctor", string.Join('\n', tenants));

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("&scope=", result.Output, StringComparison.Ordinal); // readable in a log, not \u0026
        var printed = JsonNode.Parse(result.Output.Replace(fixture.Emulator.BaseAddress.ToString(), "https://login.microsoftonline.com/", StringComparison.Ordinal))!;
        // Only the expiry changes from run to run.
        foreach (var document in new[] { expected, printed })
        {
            foreach (var resource in document["tenants"]!.AsArray().SelectMany(t => t!["resources"]!.AsArray()))
            {
                resource!["expiresOn"] = "…";
            }
        }

        Assert.True(JsonNode.DeepEquals(expected, printed), $"{shown} shows\n{expected}\nbut the tool printed\n{printed}");
    }

    // The page's command line above the output, as written, with the emulator's options in place of the user-secrets store.
    private async Task<CliResult> RunDocumentedAsync(DocumentationBlock output, string command, string? tenants)
    {
        var line = DocumentationBlocks.Read()
            .Where(b => b.File == output.File && b.Language == "sh" && b.Line < output.Line)
            .SelectMany(b => b.Lines)
            .Last(l => l.StartsWith($"defender365 {command} ", StringComparison.Ordinal));
        var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToList();
        var secretsStore = words.IndexOf("--user-secrets-id");
        Assert.True(secretsStore > 0, line);
        words.RemoveRange(secretsStore, 2);

        var folder = Directory.CreateTempSubdirectory("defender365-docs-").FullName;
        try
        {
            File.Copy(Path.Combine(Tool.RepositoryRoot, "samples", "MultiTenantSoc", "defender-scopes.json"), Path.Combine(folder, "defender-scopes.json"));
            if (tenants is not null)
            {
                File.WriteAllText(Path.Combine(folder, "tenants.txt"), tenants);
            }

            return await Tool.RunAsync([.. words, .. fixture.EmulatorArguments], fixture.Environment, folder);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private void AssertMatches(DocumentationBlock shown, string output)
    {
        var printed = output.Replace(fixture.Emulator.BaseAddress.ToString(), "https://login.microsoftonline.com/", StringComparison.Ordinal)
            .TrimEnd().Split('\n').Select(l => l.TrimEnd()).ToArray();
        var expected = shown.Body.TrimEnd().Split('\n').Select(l => l.TrimEnd()).ToArray();

        for (var i = 0; i < expected.Length; i++)
        {
            var pattern = "^" + string.Join("", Loose().Split(expected[i]).Select((part, n) => n % 2 == 0 ? Regex.Escape(part) : Wildcard(part))) + "$";
            Assert.True(i < printed.Length && Regex.IsMatch(printed[i], pattern), $"{shown.File}:{shown.Line + 1 + i} shows\n  {expected[i]}\nbut the tool printed\n  {(i < printed.Length ? printed[i] : "(nothing)")}\n\n{output}");
        }

        Assert.True(printed.Length == expected.Length, $"{shown} shows {expected.Length} lines; the tool printed {printed.Length}:\n{output}");
    }

    private static string Wildcard(string loose) => loose switch
    {
        "…" => ".+?",
        _ when loose.StartsWith("(in ", StringComparison.Ordinal) => @"\(in \d+ min\)",
        _ => @"\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ",
    };

    // What a run changes: elisions, a UTC time, the minutes until expiry. Captured so Split keeps them at odd indexes.
    [GeneratedRegex(@"(…|\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ|\(in \d+ min\))")]
    private static partial Regex Loose();
}
