using Defender365.Toolkit.Analyzers.Manifest;
using Defender365.Toolkit.Documentation;
using Microsoft.CodeAnalysis.Text;

namespace Defender365.Toolkit.Analyzers.Tests.Manifest;

/// <summary>
/// Every manifest shown in the README and docs/ (blocks marked <c>checked by DocumentedManifestsTests</c>) is read by the
/// build's own parser without a single diagnostic: a reader who copies one gets a build that works. A manifest broken on
/// purpose (a rule page's non-compliant example, marked <c>: reports DEF1001</c>) must produce exactly that rule.
/// </summary>
public sealed class DocumentedManifestsTests
{
    public static TheoryData<string, int> Manifests() => DocumentationBlocks.Locations(nameof(DocumentedManifestsTests));

    [Fact]
    public void The_docs_show_manifests() => Assert.True(Manifests().Count() >= 3);

    [Theory]
    [MemberData(nameof(Manifests))]
    public void Parses_as_the_docs_say(string file, int line)
    {
        var block = DocumentationBlocks.At(nameof(DocumentedManifestsTests), file, line);
        Assert.Equal("json", block.Language);

        var result = ManifestParser.Parse("defender-scopes.json", SourceText.From(block.Body), CancellationToken.None);

        if (block.Note is { } note)
        {
            var rule = note.Replace("reports ", "", StringComparison.Ordinal);
            Assert.NotEmpty(result.Diagnostics);
            Assert.All(result.Diagnostics, d => Assert.Equal(rule, d.Id));
            return;
        }

        Assert.True(result.Diagnostics.Count == 0, $"{block}: {string.Join("; ", result.Diagnostics.Select(d => d.Message))}");
        Assert.NotNull(result.Spec);
    }
}
