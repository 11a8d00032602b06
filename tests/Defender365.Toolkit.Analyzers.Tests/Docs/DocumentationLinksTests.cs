using System.Text.RegularExpressions;
using Defender365.Toolkit.Documentation;

namespace Defender365.Toolkit.Analyzers.Tests.Docs;

/// <summary>Every relative link of the README and docs/ leads to a file of the repository, and its #anchor to a heading there.</summary>
public sealed partial class DocumentationLinksTests
{
    private static string Root => DocumentationBlocks.RepositoryRoot;

    [Fact]
    public void Relative_links_and_anchors_resolve()
    {
        var broken = new List<string>();
        var checkedLinks = 0;
        foreach (var page in DocumentationBlocks.Pages())
        {
            // Links inside code blocks and inline code are text, not links.
            var text = InlineCode().Replace(CodeBlock().Replace(File.ReadAllText(page), ""), "");
            foreach (Match link in Link().Matches(text))
            {
                var target = link.Groups["target"].Value;
                if (target.Contains("://", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal))
                {
                    continue;
                }

                checkedLinks++;
                var parts = target.Split('#', 2);
                var file = parts[0].Length == 0 ? page : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(page)!, parts[0]));
                if (!File.Exists(file) && !Directory.Exists(file))
                {
                    broken.Add($"{Path.GetRelativePath(Root, page)}: {target} (no such file)");
                }
                else if (parts.Length == 2 && File.Exists(file) && !Anchors(file).Contains(parts[1]))
                {
                    broken.Add($"{Path.GetRelativePath(Root, page)}: {target} (no such heading)");
                }
            }
        }

        Assert.True(broken.Count == 0, string.Join("\n", broken));
        Assert.True(checkedLinks >= 20, $"Only {checkedLinks} links checked.");
    }

    // GitHub's anchors: the heading lower-cased, punctuation dropped, spaces as hyphens.
    private static HashSet<string> Anchors(string file) =>
        File.ReadAllLines(file).Where(l => l.StartsWith('#'))
            .Select(l => Punctuation().Replace(l.TrimStart('#').Trim().ToLowerInvariant(), "").Replace(' ', '-'))
            .ToHashSet(StringComparer.Ordinal);

    [GeneratedRegex(@"\]\((?<target>[^)\s]+)\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"```.*?```", RegexOptions.Singleline)]
    private static partial Regex CodeBlock();

    [GeneratedRegex(@"`[^`\n]*`")]
    private static partial Regex InlineCode();

    [GeneratedRegex(@"[^\p{L}\p{N} _-]")]
    private static partial Regex Punctuation();
}
