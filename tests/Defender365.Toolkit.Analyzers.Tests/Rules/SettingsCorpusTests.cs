using System.Collections.Immutable;
using System.Reflection;
using Defender365.Toolkit.Analyzers.Rules;
using Defender365.Toolkit.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using Xunit.Abstractions;

namespace Defender365.Toolkit.Analyzers.Tests.Rules;

/// <summary>
/// DEF3002 scored on the labelled settings files in <c>tests/SecretCorpus/Settings</c> (the shapes apps have:
/// <c>appsettings*.json</c> with nested sections, <c>local.settings.json</c>, <c>secrets.json</c>, a lock file): a line
/// ending in <c>// secret</c> must be reported, any other report is a false positive. Targets: precision ≥ 0.97,
/// recall ≥ 0.95, and no report at all in the files that hold no secret.
/// </summary>
public sealed class SettingsCorpusTests(ITestOutputHelper output)
{
    private static readonly string Corpus = Path.Combine(
        typeof(SettingsCorpusTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!,
        "tests", "SecretCorpus", "Settings");

    [Fact]
    public async Task DEF3002_meets_its_targets_on_settings_files_and_clean_files_stay_clean()
    {
        var files = Directory.GetFiles(Corpus).Order(StringComparer.Ordinal)
            .Select(path => (AdditionalText)new CorpusFile(path, SourceText.From(File.ReadAllText(path))))
            .ToImmutableArray();
        var compilation = CSharpCompilation.Create("Settings", [CSharpSyntaxTree.ParseText("class C { }")]);
        var diagnostics = await compilation
            .WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new SecretInFileAnalyzer()), new AnalyzerOptions(files))
            .GetAnalyzerDiagnosticsAsync();

        var score = CorpusScore.Of(
            files.Select(f => (f.Path, f.GetText()!)),
            diagnostics.Select(d => d.Location.GetLineSpan()).Select(s => new CorpusLine(Path.GetFileName(s.Path), s.StartLinePosition.Line)));
        score.WriteTo(output);

        Assert.True(score.Labelled.Count >= 20, "the settings corpus keeps at least 20 labelled secrets");
        Assert.DoesNotContain(score.Reported, r => r.File is "appsettings.Development.json" or "packages.lock.json");
        score.AssertTargets(precision: 0.97, recall: 0.95);
    }

    private sealed class CorpusFile(string path, SourceText text) : AdditionalText
    {
        public override string Path { get; } = path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => text;
    }
}
