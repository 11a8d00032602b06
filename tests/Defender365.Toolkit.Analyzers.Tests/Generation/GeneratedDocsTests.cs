using System.Text.RegularExpressions;
using System.Xml.Linq;
using Defender365.Toolkit.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Defender365.Toolkit.Analyzers.Tests.Generation;

/// <summary>
/// IntelliSense is where users read the API: every sentence the generator writes for the whole catalog is checked for
/// what must not reach them (the catalog's curation notes, bare wire names) and for broken grammar.
/// </summary>
public sealed partial class GeneratedDocsTests
{
    private static readonly Lazy<IReadOnlyList<(string File, string Element, string Text)>> Docs = new(Read);

    // One generation of the whole catalog: every operation declared, every model emitted.
    private static IReadOnlyList<(string File, string Element, string Text)> Read()
    {
        var (_, output, _) = GeneratorHarness.Run(
            GeneratorHarness.Driver([new InMemoryAdditionalText(GeneratorHarness.ManifestPath, Manifests.Everything())]),
            GeneratorHarness.Compilation());
        var docs = new List<(string, string, string)>();
        foreach (var tree in output.SyntaxTrees.Where(t => t.FilePath.EndsWith(".g.cs", StringComparison.Ordinal)))
        {
            var comments = tree.GetRoot().DescendantTrivia().Where(t => t.IsKind(SyntaxKind.SingleLineDocumentationCommentTrivia));
            foreach (var comment in comments)
            {
                var xml = string.Join("\n", comment.ToFullString().Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("///", StringComparison.Ordinal)).Select(l => l[3..]));
                foreach (var element in XElement.Parse($"<doc>{xml}</doc>").Elements().Where(e => e.Name.LocalName is "summary" or "param" or "para" or "remarks"))
                {
                    foreach (var part in element.Name.LocalName == "remarks" ? element.Elements("para").ToArray() : [element])
                    {
                        docs.Add((Path.GetFileName(tree.FilePath), part.Name.LocalName, Regex.Replace(part.Value, @"\s+", " ").Trim()));
                    }
                }
            }
        }

        return docs;
    }

    [Fact]
    public void The_whole_catalog_is_documented()
    {
        Assert.True(Docs.Value.Count > 2000, $"Only {Docs.Value.Count} doc elements.");
        Assert.Contains(Docs.Value, d => d.Text == "Isolates a device from the network, fully or selectively, while it keeps its connection to the Defender service.");
    }

    [Fact]
    public void No_curation_note_or_bare_wire_name_reaches_a_user()
    {
        var leaked = Docs.Value.Where(d => CurationNote().IsMatch(d.Text) || BareWireName().IsMatch(d.Text)).Select(Show).Distinct().ToArray();

        Assert.True(leaked.Length == 0, "Not for users:\n" + string.Join("\n", leaked));
    }

    [Fact]
    public void Every_sentence_starts_with_a_capital_and_ends_with_a_full_stop()
    {
        var broken = Docs.Value.Where(d => d.Text.Length > 0 && (!char.IsUpper(d.Text[0]) || !d.Text.EndsWith('.'))).Select(Show).Distinct().ToArray();

        Assert.True(broken.Length == 0, string.Join("\n", broken));
    }

    [Fact]
    public void Articles_agree_and_no_word_is_doubled()
    {
        var broken = Docs.Value.Where(d => WrongArticle().IsMatch(d.Text) || DoubledWord().IsMatch(d.Text)).Select(Show).Distinct().ToArray();

        Assert.True(broken.Length == 0, string.Join("\n", broken));
    }

    [Theory]
    [InlineData("'determination': union of spellings across docs; Apt and SecurityPersonnel deprecated ~2022-08-29", true)]
    [InlineData("'classification': api-incident.md lists TruePositive", true)]
    [InlineData("table says String; JSON is an array of technique ids", true)]
    [InlineData("'incidentId'", true)]
    [InlineData("The 'id' path value.", true)]
    [InlineData("Gets one incident by its ID, with its alerts.", false)]
    public void The_checks_catch_what_they_are_for(string text, bool leaks) =>
        Assert.Equal(leaks, CurationNote().IsMatch(text) || BareWireName().IsMatch(text));

    [Theory]
    [InlineData("Creates a IncidentSeverity from its wire value.", true)]
    [InlineData("An device of the tenant.", true)]
    [InlineData("The the alert.", true)]
    [InlineData("The ID of the incident the incident belongs to.", true)]
    [InlineData("An indicator, a URL, an IP address and a user.", false)]
    public void The_grammar_check_catches_what_it_is_for(string text, bool broken) =>
        Assert.Equal(broken, WrongArticle().IsMatch(text) || DoubledWord().IsMatch(text));

    private static string Show((string File, string Element, string Text) doc) => $"{doc.File} <{doc.Element}>: {doc.Text}";

    // Words of the catalog's working notes about its sources, never sentences for a reader.
    [GeneratedRegex(@"(?i)\b(union of|table says|table:|doc says|docs say|some docs|doc error|doc type|doc constraint|example only|examples only|in JSON example|\.md\b|deprecated ~|~\d{4}|TODO|inferred|spellings?)\b")]
    private static partial Regex CurationNote();

    // A summary that is only a quoted wire name, or the generator's stand-in when the catalog has no sentence.
    [GeneratedRegex(@"^'[^']+'( \(required\))?(:|$)|path value\.$|^The '[^']+' (value|query value)\.$")]
    private static partial Regex BareWireName();

    // "a" before a vowel letter or IP, "an" before a lower-case consonant.
    [GeneratedRegex(@"\b[Aa] (?:[AEIOaeio]\w|IP\b)|\b[Aa]n (?:[bcdfgjklmnpqrstvwxyz]|[A-Z][a-z])")]
    private static partial Regex WrongArticle();

    [GeneratedRegex(@"(?i)\b(\w+) \1\b|\bthe (\w+) the \2\b")]
    private static partial Regex DoubledWord();
}
