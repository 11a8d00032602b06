using System.Text.Json;
using Defender365.Toolkit.Documentation;

namespace Defender365.Toolkit.PackageTests;

/// <summary>
/// Build pipelines: a hardcoded secret in code or in appsettings.json fails <c>dotnet build</c> of a consumer of the
/// packed package, and docs/analyzers.md's <c>dotnet build -p:ErrorLog=…</c> writes SARIF that names the rules and their help pages.
/// </summary>
[Collection(nameof(PackageCollection))]
public sealed class SecretBuildTests(PackageFixture package)
{
    private const string Manifest = """
        { "permissions": { "Microsoft Threat Protection": { "application": ["Incident.Read.All"] } } }
        """;

    // Assembled at run time so no secret-shaped literal sits in this repository.
    private static readonly string EntraSecret = "Qv4" + "8Q~" + "Xk9.Lm_2Pq-Rs7Tu~Vw1Yz0Bc3De5Fg8H";

    [Fact]
    public async Task A_hardcoded_secret_fails_the_build_with_DEF3001_and_DEF3002_and_the_SARIF_log_names_the_rules()
    {
        var project = package.CreateConsumer("Secrets", Manifest, $$"""
            using Defender365.Toolkit.Authentication;

            var credential = DefenderAppCredential.FromClientSecret("5f0e3a43-9b5c-4f2a-9f60-3c1f2b8f6d01", "{{EntraSecret}}");
            Console.WriteLine(credential.GetType().Name);
            """);
        File.WriteAllText(Path.Combine(project, "appsettings.json"), """
            {
              "Defender": { "ClientId": "5f0e3a43-9b5c-4f2a-9f60-3c1f2b8f6d01", "ClientSecret": "Str0ng!Pass-2024" }
            }
            """);

        // The pipeline command of docs/analyzers.md, as written there (its "%2C" keeps MSBuild from splitting the value).
        var documented = DocumentationBlocks.Read()
            .Where(b => b.File == "docs/analyzers.md" && b.Language == "sh")
            .SelectMany(b => b.Lines)
            .Single(l => l.StartsWith("dotnet build -p:ErrorLog=", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var sarif = Path.Combine(project, documented[2]["-p:ErrorLog=".Length..].Split("%2C")[0]);
        var build = await DotNet.RunAsync(project, [.. documented[1..], "-nodeReuse:false"]);

        Assert.NotEqual(0, build.ExitCode);
        Assert.Matches(@"Program\.cs\(3,\d+\): error DEF3001: Hardcoded secret \(an Entra ID client secret\)", build.Output);
        Assert.Matches(@"appsettings\.json\(2,\d+\): error DEF3002: Hardcoded secret \(stored under 'ClientSecret'\) in appsettings\.json", build.Output);
        Assert.DoesNotContain(EntraSecret, build.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Str0ng!Pass-2024", build.Output, StringComparison.Ordinal);

        using var log = JsonDocument.Parse(File.ReadAllText(sarif));
        var run = log.RootElement.GetProperty("runs")[0];
        var results = run.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("ruleId").GetString()).ToArray();
        Assert.Contains("DEF3001", results);
        Assert.Contains("DEF3002", results);
        var rules = run.GetProperty("tool").GetProperty("driver").GetProperty("rules").EnumerateArray()
            .ToDictionary(r => r.GetProperty("id").GetString()!, r => r.TryGetProperty("helpUri", out var uri) ? uri.GetString() : null);
        Assert.EndsWith("docs/rules/DEF3001.md", rules["DEF3001"], StringComparison.Ordinal);
        Assert.EndsWith("docs/rules/DEF3002.md", rules["DEF3002"], StringComparison.Ordinal);
        Assert.DoesNotContain(EntraSecret, File.ReadAllText(sarif), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_same_app_reading_its_secret_from_configuration_builds_clean()
    {
        var project = package.CreateConsumer("NoSecrets", Manifest, """
            using Defender365.Toolkit.Authentication;

            var secret = Environment.GetEnvironmentVariable("Defender__ClientSecret") ?? "";
            var credential = DefenderAppCredential.FromClientSecret("5f0e3a43-9b5c-4f2a-9f60-3c1f2b8f6d01", secret.Length > 0 ? secret : "<set Defender__ClientSecret>");
            Console.WriteLine(credential.GetType().Name);
            """);
        File.WriteAllText(Path.Combine(project, "appsettings.json"), """
            {
              "Defender": { "ClientId": "5f0e3a43-9b5c-4f2a-9f60-3c1f2b8f6d01", "ClientSecret": "" }
            }
            """);

        var build = await DotNet.RunAsync(project, "build", "-nodeReuse:false");

        Assert.True(build.ExitCode == 0, build.Output);
        Assert.Contains("0 Warning(s)", build.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("DEF3", build.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_secret_known_only_by_its_name_warns_and_the_documented_severity_makes_it_an_error()
    {
        var project = package.CreateConsumer("NameOnly", Manifest, """
            var settings = new Dictionary<string, string> { ["Smtp:Password"] = "M@ilS3nd3r!" };
            Console.WriteLine(settings.Count);
            """);

        // The consumer treats warnings as errors; a project that does not is what the default is for.
        var warned = await DotNet.RunAsync(project, "build", "-p:TreatWarningsAsErrors=false", "-nodeReuse:false");

        Assert.True(warned.ExitCode == 0, warned.Output);
        Assert.Matches(@"Program\.cs\(1,\d+\): warning DEF3003: Hardcoded secret \(assigned to 'Smtp:Password'\)", warned.Output);
        Assert.DoesNotContain("DEF3001", warned.Output, StringComparison.Ordinal);

        // The .editorconfig section docs/rules/DEF3003.md shows.
        var documented = DocumentationBlocks.CheckedBy(nameof(SecretBuildTests)).Single(b => b.File == "docs/rules/DEF3003.md" && b.Language == "ini");
        File.WriteAllText(Path.Combine(project, ".editorconfig"), "root = true\n\n" + documented.Body + "\n");
        var failed = await DotNet.RunAsync(project, "build", "--no-incremental", "-p:TreatWarningsAsErrors=false", "-nodeReuse:false");

        Assert.NotEqual(0, failed.ExitCode);
        Assert.Matches(@"Program\.cs\(1,\d+\): error DEF3003", failed.Output);
        Assert.DoesNotContain("M@ilS3nd3r!", failed.Output, StringComparison.Ordinal);
    }
}
