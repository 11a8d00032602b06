namespace Defender365.Toolkit.Documentation;

/// <summary>
/// A fenced code block of the README or a docs/ page. <see cref="Mark"/> is the HTML comment on the line above it, which
/// says how a test checks the block: <c>&lt;!-- compiled by a test … --&gt;</c> for C#, <c>&lt;!-- checked by
/// SomeTests --&gt;</c> (one or more test class names, then
/// optionally <c>: a note for the test</c>) for the rest. Shell blocks need no mark: every line of them is
/// checked by <c>DocumentedCommandLinesTests</c>.
/// </summary>
internal sealed record DocumentationBlock(string File, int Line, string Language, string Body, string? Mark)
{
    private const string CheckedByPrefix = "checked by ";

    /// <summary>The test classes named by a <c>checked by A, B: note</c> mark.</summary>
    public IReadOnlyList<string> CheckedBy =>
        Mark is { } mark && mark.StartsWith(CheckedByPrefix, StringComparison.Ordinal)
            ? [.. mark[CheckedByPrefix.Length..].Split(':')[0].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)]
            : [];

    /// <summary>What a <c>checked by A: note</c> mark says after the colon, for the test (e.g. <c>reports DEF1001</c>).</summary>
    public string? Note => Mark?.IndexOf(':', StringComparison.Ordinal) is int colon and >= 0 && CheckedBy.Count > 0 ? Mark[(colon + 1)..].Trim() : null;

    /// <summary>The body's lines, without the fence's indentation.</summary>
    public string[] Lines => Body.Split('\n');

    public override string ToString() => $"{File}:{Line}";
}

/// <summary>
/// Reads the code blocks of README.md, docs/**/*.md and the package READMEs (src/*/README.md), for the tests that compile, parse or run them. Compiled into each
/// test project, it finds the repository through that project's <c>RepositoryRoot</c> assembly metadata.
/// </summary>
internal static class DocumentationBlocks
{
    /// <summary>The repository the tests were built from.</summary>
    public static string RepositoryRoot { get; } = typeof(DocumentationBlocks).Assembly
        .GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), inherit: false)
        .Cast<System.Reflection.AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepositoryRoot").Value!;

    /// <summary>README.md, then the docs pages in path order, then the READMEs packed into the packages.</summary>
    public static IEnumerable<string> Pages() =>
        new[] { Path.Combine(RepositoryRoot, "README.md") }
            .Concat(Directory.GetFiles(Path.Combine(RepositoryRoot, "docs"), "*.md", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            .Concat(Directory.GetDirectories(Path.Combine(RepositoryRoot, "src")).Select(d => Path.Combine(d, "README.md")).Where(File.Exists).Order(StringComparer.Ordinal));

    /// <summary>Every fenced block of the README and the docs pages, in file order.</summary>
    public static IReadOnlyList<DocumentationBlock> Read() => [.. Pages().SelectMany(ReadPage)];

    /// <summary>The blocks whose mark names <paramref name="testClass"/>; at least one, or the mark went missing.</summary>
    public static IReadOnlyList<DocumentationBlock> CheckedBy(string testClass)
    {
        var blocks = Read().Where(b => b.CheckedBy.Contains(testClass)).ToArray();
        return blocks.Length > 0 ? blocks : throw new InvalidOperationException($"No block of the docs is marked '<!-- checked by {testClass} -->'.");
    }

    /// <summary>Where the blocks marked for <paramref name="testClass"/> are, as rows of a theory (one test per block).</summary>
    public static TheoryData<string, int> Locations(string testClass)
    {
        var data = new TheoryData<string, int>();
        foreach (var block in CheckedBy(testClass))
        {
            data.Add(block.File, block.Line);
        }

        return data;
    }

    /// <summary>The block marked for <paramref name="testClass"/> at a row of <see cref="Locations"/>.</summary>
    public static DocumentationBlock At(string testClass, string file, int line) => CheckedBy(testClass).Single(b => b.File == file && b.Line == line);

    private static IEnumerable<DocumentationBlock> ReadPage(string page)
    {
        var file = Path.GetRelativePath(RepositoryRoot, page).Replace('\\', '/');
        var lines = File.ReadAllText(page).Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        string? previous = null;
        for (var i = 0; i < lines.Length; i++)
        {
            var trimmed = lines[i].TrimStart();
            if (!trimmed.StartsWith("```", StringComparison.Ordinal))
            {
                if (trimmed.Length > 0)
                {
                    previous = trimmed;
                }

                continue;
            }

            // Blocks inside list items are indented; their lines lose the fence's indentation.
            var indent = lines[i].Length - trimmed.Length;
            var language = trimmed[3..].Trim();
            var start = i;
            var body = new List<string>();
            for (i++; i < lines.Length && lines[i].Trim() != "```"; i++)
            {
                body.Add(lines[i].Length >= indent && string.IsNullOrWhiteSpace(lines[i][..indent]) ? lines[i][indent..] : lines[i].TrimStart());
            }

            var mark = previous is not null && previous.StartsWith("<!--", StringComparison.Ordinal) && previous.EndsWith("-->", StringComparison.Ordinal)
                ? previous[4..^3].Trim()
                : null;
            yield return new DocumentationBlock(file, start + 1, language, string.Join('\n', body), mark);
            previous = null;
        }
    }
}
