using System.Reflection;
using System.Text.RegularExpressions;
using Defender365.Toolkit.Analyzers.Manifest;
using Microsoft.CodeAnalysis.Text;

namespace Defender365.Toolkit.Analyzers.Tests.Manifest;

/// <summary>
/// Every manifest shown in the README and docs/ (a <c>json</c> block with <c>"permissions"</c>) is read by the build's
/// own parser without a single diagnostic: a reader who copies one gets a build that works. Under a "Non-compliant"
/// heading of a rule page (docs/rules/DEF1001.md, …) a manifest is broken on purpose: it must produce that page's rule.
/// </summary>
public sealed partial class DocumentedManifestsTests
{
    private static readonly string Root = typeof(DocumentedManifestsTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;

    public static TheoryData<string, int, bool, string> Manifests()
    {
        var data = new TheoryData<string, int, bool, string>();
        var files = new[] { Path.Combine(Root, "README.md") }.Concat(Directory.GetFiles(Path.Combine(Root, "docs"), "*.md", SearchOption.AllDirectories));
        foreach (var file in files)
        {
            var text = File.ReadAllText(file);
            foreach (Match block in JsonBlock().Matches(text))
            {
                var body = block.Groups["body"].Value;
                if (body.Contains("\"permissions\"", StringComparison.Ordinal) && body.TrimStart().StartsWith('{'))
                {
                    var before = text[..block.Index];
                    var line = before.Count(c => c == '\n') + 1;
                    var heading = before.LastIndexOf("\n## ", StringComparison.Ordinal);
                    // Only the manifest rules (DEF1xxx) show a broken manifest; other pages' manifests are the valid context.
                    var nonCompliant = heading >= 0 && before[(heading + 4)..].StartsWith("Non-compliant", StringComparison.Ordinal)
                        && Path.GetFileName(file).StartsWith("DEF1", StringComparison.Ordinal);
                    data.Add(Path.GetRelativePath(Root, file), line, nonCompliant, body);
                }
            }
        }

        return data;
    }

    [Fact]
    public void The_docs_show_manifests() => Assert.True(Manifests().Count() >= 3);

    [Theory]
    [MemberData(nameof(Manifests))]
    public void Parses_without_diagnostics(string file, int line, bool nonCompliant, string manifest)
    {
        var result = ManifestParser.Parse("defender-scopes.json", SourceText.From(manifest), CancellationToken.None);

        if (nonCompliant)
        {
            Assert.NotEmpty(result.Diagnostics);
            Assert.All(result.Diagnostics, d => Assert.Equal(Path.GetFileNameWithoutExtension(file), d.Id));
            return;
        }

        Assert.True(result.Diagnostics.Count == 0, $"{file}:{line}: {string.Join("; ", result.Diagnostics.Select(d => d.Message))}");
        Assert.NotNull(result.Spec);
    }

    [GeneratedRegex(@"```json\n(?<body>.*?)```", RegexOptions.Singleline)]
    private static partial Regex JsonBlock();
}
