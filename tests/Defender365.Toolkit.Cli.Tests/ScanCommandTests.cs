using System.Text.Json;
using Defender365.Toolkit.Cli.Tests.Infrastructure;
using Defender365.Toolkit.Documentation;

namespace Defender365.Toolkit.Cli.Tests;

/// <summary><c>defender365 scan</c>: the build's secret rules over a folder that is not built.</summary>
public sealed class ScanCommandTests : IDisposable
{
    // Shaped like a real Entra ID client secret, made up; split so this file holds no secret-shaped literal.
    private static readonly string EntraSecret = "Qm5" + "8Q~" + "u3Lx.Kd_81pWzR0v-YtNc6Bb2Ah~Xy7oP9";

    private readonly TempFolder _folder = new("defender365-scan-");

    public void Dispose() => _folder.Dispose();

    private void Write(string relativePath, string text) => _folder.Write(relativePath, text);

    [Fact]
    public async Task Finds_secrets_in_code_and_settings_with_positions_and_writes_sarif()
    {
        Write("src/Program.cs", $$"""
            using Microsoft.Identity.Client;

            var app = ConfidentialClientApplicationBuilder.Create("5f0e3a43-9b5c-4f2a-9f60-3c1f2b8f6d01")
                .WithClientSecret("{{EntraSecret}}")
                .Build();
            """);
        Write("src/appsettings.json", $$"""
            {
              "Defender": {
                "ClientId": "5f0e3a43-9b5c-4f2a-9f60-3c1f2b8f6d01",
                "ClientSecret": "{{EntraSecret}}"
              }
            }
            """);
        Write("src/Clean.cs", """class Clean { string Name = "DefenderClientSecret"; }""");
        Write("src/bin/Debug/appsettings.json", $$"""{ "ClientSecret": "{{EntraSecret}}" }""");
        var sarif = Path.Combine(_folder.FullName, "scan.sarif");

        var result = await Tool.RunAsync(["scan", _folder.FullName, "--sarif", sarif]);

        Assert.True(result.ExitCode == 1, result.ToString());
        var lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith($"src{Path.DirectorySeparatorChar}Program.cs(4,23): error DEF3001:", lines[0], StringComparison.Ordinal);
        Assert.StartsWith($"src{Path.DirectorySeparatorChar}appsettings.json(4,22): error DEF3002:", lines[1], StringComparison.Ordinal);
        Assert.Contains("Scanned 2 C# and 1 settings files: 2 secret(s) found.", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(EntraSecret, result.Output + result.Error, StringComparison.Ordinal);

        var log = await File.ReadAllTextAsync(sarif);
        Assert.DoesNotContain(EntraSecret, log, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(log);
        Assert.Equal("2.1.0", document.RootElement.GetProperty("version").GetString());
        var run = document.RootElement.GetProperty("runs")[0];
        var rules = run.GetProperty("tool").GetProperty("driver").GetProperty("rules").EnumerateArray().ToArray();
        Assert.Equal(["DEF3001", "DEF3002"], rules.Select(r => r.GetProperty("id").GetString()!));
        Assert.All(rules, r => Assert.StartsWith("https://", r.GetProperty("helpUri").GetString(), StringComparison.Ordinal));
        var results = run.GetProperty("results").EnumerateArray().ToArray();
        var first = results[0].GetProperty("locations")[0].GetProperty("physicalLocation");
        Assert.Equal("src/Program.cs", first.GetProperty("artifactLocation").GetProperty("uri").GetString());
        Assert.Equal(4, first.GetProperty("region").GetProperty("startLine").GetInt32());
        Assert.Equal(23, first.GetProperty("region").GetProperty("startColumn").GetInt32());
    }

    [Fact]
    public async Task Editorconfig_options_and_severities_apply_as_in_a_build()
    {
        Write(".editorconfig", """
            root = true

            [*.cs]
            DEF3001.excluded_names = sampleSecret
            dotnet_diagnostic.DEF3003.severity = error
            """);
        Write("legacy/.editorconfig", """
            [*.cs]
            dotnet_diagnostic.DEF3003.severity = warning
            """);
        // Settings files are not C# files: their rule's severity is a global one, as in a build.
        Write(".globalconfig", """
            is_global = true
            dotnet_diagnostic.DEF3002.severity = none
            """);
        Write("src/Sample.cs", """class Sample { string sampleSecret = "Xk9-Lm2Pq-Rs7Tu"; }""");
        Write("src/Api.cs", """class Api { string apiPassword = "Xk9-Lm2Pq-Rs7Tu"; }""");
        Write("legacy/Old.cs", """class Old { string apiPassword = "Xk9-Lm2Pq-Rs7Tu"; }""");
        Write("appsettings.json", $$"""{ "Defender": { "ClientSecret": "{{EntraSecret}}" } }""");

        var result = await Tool.RunAsync(["scan", _folder.FullName]);

        Assert.True(result.ExitCode == 1, result.ToString());
        var lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith($"legacy{Path.DirectorySeparatorChar}Old.cs(1,", lines[0], StringComparison.Ordinal);
        Assert.Contains("): warning DEF3003:", lines[0], StringComparison.Ordinal);
        Assert.StartsWith($"src{Path.DirectorySeparatorChar}Api.cs(1,", lines[1], StringComparison.Ordinal);
        Assert.Contains("): error DEF3003:", lines[1], StringComparison.Ordinal);

        // Warnings are shown but, as in a build, do not fail.
        File.Delete(Path.Combine(_folder.FullName, "src", "Api.cs"));
        var warningsOnly = await Tool.RunAsync(["scan", _folder.FullName]);
        Assert.True(warningsOnly.ExitCode == 0, warningsOnly.ToString());
        Assert.Contains("warning DEF3003", warningsOnly.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_secret_in_a_comment_warns_and_the_documented_severity_makes_it_an_error()
    {
        Write("src/Report.cs", """
            class Report
            {
                // password: Wint3r!Soc-2026 (the reporting account)
                string User = "svc-reports";
            }
            """);

        var warned = await Tool.RunAsync(["scan", _folder.FullName]);

        Assert.True(warned.ExitCode == 0, warned.ToString());
        Assert.Contains("Report.cs(3,", warned.Output, StringComparison.Ordinal);
        Assert.Contains("warning DEF3004: Secret in a comment (after 'password')", warned.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Wint3r!Soc-2026", warned.Output, StringComparison.Ordinal);

        // The .editorconfig section docs/rules/DEF3004.md shows.
        var documented = DocumentationBlocks.CheckedBy(nameof(ScanCommandTests)).Single(b => b.File == "docs/rules/DEF3004.md" && b.Language == "ini");
        Write(".editorconfig", "root = true\n\n" + documented.Body + "\n");
        var failed = await Tool.RunAsync(["scan", _folder.FullName]);

        Assert.True(failed.ExitCode == 1, failed.ToString());
        Assert.Contains("error DEF3004", failed.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_clean_folder_exits_with_0()
    {
        Write("Program.cs", """
            var secret = Environment.GetEnvironmentVariable("DEFENDER365_CLIENT_SECRET") ?? throw new InvalidOperationException("Set DEFENDER365_CLIENT_SECRET.");
            """);
        Write("appsettings.json", """{ "Defender": { "ClientSecret": "" } }""");

        var result = await Tool.RunAsync(["scan", _folder.FullName]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("", result.Output.Trim());
    }

    [Fact]
    public async Task A_missing_folder_is_a_usage_error()
    {
        var result = await Tool.RunAsync(["scan", Path.Combine(_folder.FullName, "nope")]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Neither a file nor a folder", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task One_file_is_scanned_alone_with_its_folders_settings()
    {
        Write("src/appsettings.json", $$"""{ "Defender": { "ClientSecret": "{{EntraSecret}}" } }""");
        Write("src/Other.cs", $$"""class Other { const string ClientSecret = "{{EntraSecret}}"; }""");
        // Settings-file severities come from a .globalconfig, as in a build.
        Write("src/.globalconfig", "is_global = true\ndotnet_diagnostic.DEF3002.severity = warning\n");

        var result = await Tool.RunAsync(["scan", Path.Combine(_folder.FullName, "src", "appsettings.json")]);

        // The file's finding at the severity its folder's .globalconfig sets (a warning: exit 0); Other.cs is not scanned.
        Assert.True(result.ExitCode == 0, result.ToString());
        var line = Assert.Single(result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith("appsettings.json(1,", line, StringComparison.Ordinal);
        Assert.Contains("warning DEF3002", line, StringComparison.Ordinal);
        Assert.Contains("Scanned 0 C# and 1 settings files", result.Error, StringComparison.Ordinal);
    }
}
