using System.Collections.Immutable;
using Defender365.Toolkit.Analyzers.Rules;
using Defender365.Toolkit.Analyzers.Tests.Infrastructure;
using Defender365.Toolkit.Documentation;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Defender365.Toolkit.Analyzers.Tests.Docs;

/// <summary>
/// The settings files the docs show (DEF3002's page) go through DEF3002 as <c>appsettings.json</c>: the non-compliant
/// one (marked <c>: reports DEF3002</c>) is reported, the compliant one is not — so the page's advice is what the rule does.
/// </summary>
public sealed class DocumentedSettingsFilesTests
{
    public static TheoryData<string, int> SettingsFiles() => DocumentationBlocks.Locations(nameof(DocumentedSettingsFilesTests));

    [Theory]
    [MemberData(nameof(SettingsFiles))]
    public async Task DEF3002_reports_what_the_docs_say(string file, int line)
    {
        var block = DocumentationBlocks.At(nameof(DocumentedSettingsFilesTests), file, line);
        var settings = new InMemoryAdditionalText("/app/appsettings.json", block.Body);

        var reported = await GeneratorHarness.Compilation()
            .WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new SecretInFileAnalyzer()), new AnalyzerOptions([settings]))
            .GetAnalyzerDiagnosticsAsync();

        if (block.Note == "reports DEF3002")
        {
            Assert.True(reported.Length > 0 && reported.All(d => d.Id == "DEF3002"), $"{block}: {string.Join("; ", reported)}");
        }
        else
        {
            Assert.True(block.Note is null, $"{block}: unknown note '{block.Note}'");
            Assert.True(reported.Length == 0, $"{block} should report nothing: {string.Join("; ", reported)}");
        }
    }
}
