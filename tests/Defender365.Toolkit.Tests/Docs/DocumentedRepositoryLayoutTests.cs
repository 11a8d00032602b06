using Defender365.Toolkit.Documentation;

namespace Defender365.Toolkit.Tests.Docs;

/// <summary>
/// docs/architecture.md's map of the repository is true: every folder and file it names exists (an indented line is
/// inside the folder above it), every source folder under src/ is on it, and every project folder under tests/ and
/// samples/ too. A folder added without a line on the map fails here.
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

        Assert.True(missing.Length == 0, "docs/architecture.md's map names paths that do not exist: " + string.Join(", ", missing));
    }

    [Fact]
    public void Every_source_folder_and_every_project_is_on_the_map()
    {
        var mapped = MappedPaths().Select(p => p.TrimEnd('/')).ToHashSet(StringComparer.Ordinal);
        var sourceFolders = Directory.GetDirectories(Path.Combine(Root, "src"), "*", SearchOption.AllDirectories)
            .Select(d => Path.GetRelativePath(Root, d).Replace('\\', '/'))
            .Where(d => !d.Split('/').Any(part => part is "bin" or "obj" || part.StartsWith('.')));
        var projectFolders = new[] { "tests", "samples" }
            .SelectMany(top => Directory.GetDirectories(Path.Combine(Root, top)).Select(d => $"{top}/{Path.GetFileName(d)}"))
            .Where(d => Directory.GetFiles(Path.Combine(Root, d), "*.csproj").Length > 0 || d is "tests/Shared");

        var unmapped = sourceFolders.Concat(projectFolders).Where(folder => !mapped.Contains(folder)).ToArray();

        Assert.True(unmapped.Length == 0, "Not on docs/architecture.md's map: " + string.Join(", ", unmapped));
    }
}
