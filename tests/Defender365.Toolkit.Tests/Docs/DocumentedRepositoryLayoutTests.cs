using Defender365.Toolkit.Documentation;

namespace Defender365.Toolkit.Tests.Docs;

/// <summary>
/// The README's map of the repository is true: every folder and file it names exists (an indented line is inside the
/// folder above it), and every project folder under src/, tests/ and samples/ is on the map.
/// </summary>
public sealed class DocumentedRepositoryLayoutTests
{
    private static string Root => DocumentationBlocks.RepositoryRoot;

    private static IReadOnlyList<string> MappedPaths()
    {
        var map = DocumentationBlocks.CheckedBy(nameof(DocumentedRepositoryLayoutTests)).Single();
        var paths = new List<string>();
        var parent = "";
        foreach (var line in map.Lines.Where(l => l.Trim().Length > 0))
        {
            var name = line.Trim().Split(' ')[0];
            var indented = line.StartsWith(' ');
            paths.Add(indented ? parent + name : name);
            parent = indented ? parent : name;
        }

        return paths;
    }

    [Fact]
    public void Every_path_on_the_map_exists()
    {
        var missing = MappedPaths().Where(p => !Directory.Exists(Path.Combine(Root, p)) && !File.Exists(Path.Combine(Root, p))).ToArray();

        Assert.True(missing.Length == 0, "README.md's map names paths that do not exist: " + string.Join(", ", missing));
    }

    [Fact]
    public void Every_project_folder_is_on_the_map()
    {
        var mapped = MappedPaths().Select(p => p.TrimEnd('/')).ToHashSet(StringComparer.Ordinal);
        var folders = new[] { "src", "tests", "samples" }
            .SelectMany(top => Directory.GetDirectories(Path.Combine(Root, top)).Select(d => $"{top}/{Path.GetFileName(d)}"))
            .Where(d => Directory.GetFiles(Path.Combine(Root, d), "*.csproj").Length > 0);

        Assert.All(folders, folder => Assert.True(mapped.Contains(folder), $"{folder} is not on README.md's map."));
    }
}
