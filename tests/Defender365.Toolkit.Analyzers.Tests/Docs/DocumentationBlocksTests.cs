using System.Text.RegularExpressions;
using Defender365.Toolkit.Documentation;

namespace Defender365.Toolkit.Analyzers.Tests.Docs;

/// <summary>
/// No code block of the README or docs/ goes unchecked: C# blocks are compiled (<see cref="DocumentedCSharpTests"/>),
/// every line of a shell block is parsed or matched to what it names (<c>DocumentedCommandLinesTests</c>), and every
/// other block (manifests, settings files, outputs, project snippets) names the test class that checks it in a
/// <c>&lt;!-- checked by … --&gt;</c> mark. This test holds the docs to that, and each named class must exist.
/// </summary>
public sealed partial class DocumentationBlocksTests
{
    private static string Root => DocumentationBlocks.RepositoryRoot;

    [Fact]
    public void Every_block_that_is_not_csharp_or_shell_names_the_test_that_checks_it()
    {
        var blocks = DocumentationBlocks.Read();
        var unmarked = blocks
            .Where(b => b.Language != "csharp" && b.Language != "sh" && b.CheckedBy.Count == 0)
            .Select(b => $"{b} ({(b.Language.Length == 0 ? "no language" : b.Language)})")
            .ToArray();

        Assert.True(unmarked.Length == 0, "Blocks without '<!-- checked by SomeTests -->': " + string.Join(", ", unmarked));
        Assert.True(blocks.Count >= 60, $"Only {blocks.Count} blocks found: is the reader missing indented blocks?");
    }

    [Fact]
    public void Every_test_a_mark_names_exists()
    {
        var testSources = string.Join('\n', Directory.GetFiles(Path.Combine(Root, "tests"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(File.ReadAllText));
        var declared = ClassDeclaration().Matches(testSources).Select(m => m.Groups["name"].Value).ToHashSet();

        var missing = DocumentationBlocks.Read()
            .SelectMany(b => b.CheckedBy.Where(name => !declared.Contains(name)).Select(name => $"{b}: {name}"))
            .ToArray();

        Assert.True(missing.Length == 0, "Marks name test classes that do not exist: " + string.Join(", ", missing));
    }

    [Fact]
    public void Shell_blocks_are_sh()
    {
        // One spelling, so the command-line test's selection and the reader agree on what a shell block is.
        var others = DocumentationBlocks.Read().Where(b => b.Language is "bash" or "console" or "powershell" or "shell").Select(b => b.ToString()).ToArray();

        Assert.True(others.Length == 0, "Use ```sh for: " + string.Join(", ", others));
    }

    [GeneratedRegex(@"\bclass (?<name>\w+)")]
    private static partial Regex ClassDeclaration();
}
