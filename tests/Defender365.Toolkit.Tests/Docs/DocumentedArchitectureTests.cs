using System.Xml.Linq;
using Defender365.Toolkit.Documentation;

namespace Defender365.Toolkit.Tests.Docs;

/// <summary>
/// docs/architecture.md is what the code is: every type and folder its diagram names exists, and its table of
/// assemblies is what the project files say (each project's target, and no project reference the table does not allow;
/// the analyzers in particular reference no other project: they run inside the compiler).
/// </summary>
public sealed partial class DocumentedArchitectureTests
{
    private static string Root => DocumentationBlocks.RepositoryRoot;

    // The table's short names for the projects.
    private static readonly Dictionary<string, string> ShortNames = new(StringComparer.Ordinal)
    {
        ["Defender365.Toolkit"] = "runtime",
        ["Defender365.Toolkit.Analyzers"] = "Analyzers",
        ["Defender365.Toolkit.CodeFixes"] = "CodeFixes",
        ["Defender365.Toolkit.Emulator"] = "Emulator",
        ["Defender365.Toolkit.Cli"] = "Cli",
    };

    private static Dictionary<string, (string Target, string MayReference)> Table()
    {
        var lines = File.ReadAllLines(Path.Combine(Root, "docs", "architecture.md"))
            .SkipWhile(l => l != "## Assemblies").Skip(1)
            .Where(l => l.StartsWith("| `", StringComparison.Ordinal));
        return lines.Select(l => l.Split('|', StringSplitOptions.TrimEntries))
            .ToDictionary(cells => cells[1].Trim('`'), cells => (cells[2].Trim('`'), cells[3]), StringComparer.Ordinal);
    }

    [Fact]
    public void Every_type_and_folder_the_diagram_names_exists()
    {
        var diagram = DocumentationBlocks.CheckedBy(nameof(DocumentedArchitectureTests)).Single();
        var sources = string.Join('\n', Directory.GetFiles(Path.Combine(Root, "src"), "*.cs", SearchOption.AllDirectories).Select(File.ReadAllText));
        var folders = Directory.GetDirectories(Path.Combine(Root, "src"), "*", SearchOption.AllDirectories).Select(Path.GetFileName).ToHashSet(StringComparer.Ordinal);

        var types = TypeName().Matches(diagram.Body).Select(m => m.Value).Distinct().ToArray();
        var missingTypes = types.Where(t => !System.Text.RegularExpressions.Regex.IsMatch(sources, $@"\b(class|record|struct|interface) {t}\b")).ToArray();
        var missingFolders = FolderName().Matches(diagram.Body).Select(m => m.Groups[1].Value).Where(f => !folders.Contains(f)).ToArray();

        Assert.True(types.Length >= 8, $"Only {types.Length} types found in the diagram.");
        Assert.True(missingTypes.Length == 0, "The diagram names types that do not exist: " + string.Join(", ", missingTypes));
        Assert.True(missingFolders.Length == 0, "The diagram names folders that do not exist: " + string.Join(", ", missingFolders));
    }

    // DefenderOperationInvoker, RoleCheck, …: PascalCase with at least two humps, not after a dot (a method called).
    [System.Text.RegularExpressions.GeneratedRegex(@"(?<![.\w])[A-Z][a-z]+(?:[A-Z][a-z]+)+\b")]
    private static partial System.Text.RegularExpressions.Regex TypeName();

    [System.Text.RegularExpressions.GeneratedRegex(@"\(([A-Z][A-Za-z]+)/")]
    private static partial System.Text.RegularExpressions.Regex FolderName();

    [Fact]
    public void Every_project_of_src_is_in_the_table_with_its_target()
    {
        var table = Table();
        foreach (var project in Directory.GetFiles(Path.Combine(Root, "src"), "*.csproj", SearchOption.AllDirectories))
        {
            var name = Path.GetFileNameWithoutExtension(project);
            Assert.True(table.TryGetValue(name, out var row), $"{name} is not in docs/architecture.md's table of assemblies.");
            var target = XDocument.Load(project).Descendants().Single(e => e.Name.LocalName is "TargetFramework" or "TargetFrameworks").Value.Replace(";", "; ", StringComparison.Ordinal);
            Assert.True(row.Target == target, $"docs/architecture.md says {name} targets {row.Target}; its project says {target}.");
        }
    }

    [Fact]
    public void Every_project_reference_is_one_the_table_allows()
    {
        var table = Table();
        foreach (var project in Directory.GetFiles(Path.Combine(Root, "src"), "*.csproj", SearchOption.AllDirectories))
        {
            var name = Path.GetFileNameWithoutExtension(project);
            // References that only build or pack another project (ReferenceOutputAssembly="false") put nothing in scope.
            var referenced = XDocument.Load(project).Descendants("ProjectReference")
                .Where(r => (string?)r.Attribute("ReferenceOutputAssembly") != "false")
                .Select(r => Path.GetFileNameWithoutExtension((string)r.Attribute("Include")!));
            foreach (var reference in referenced)
            {
                Assert.True(
                    table[name].MayReference.Contains(ShortNames[reference], StringComparison.Ordinal),
                    $"{name} references {reference}, which docs/architecture.md does not allow it ('{table[name].MayReference}').");
            }
        }
    }

    [Theory]
    [InlineData("src/Defender365.Toolkit.Analyzers/Manifest", "Defender365.Toolkit.Analyzers.Generation")]
    [InlineData("src/Defender365.Toolkit.Analyzers/Manifest", "Defender365.Toolkit.Analyzers.Rules")]
    [InlineData("src/Defender365.Toolkit.Analyzers/Catalog", "Defender365.Toolkit.Analyzers.Generation")]
    [InlineData("src/Defender365.Toolkit.Analyzers/Incremental", "Defender365.Toolkit.Analyzers.")]
    [InlineData("src/Defender365.Toolkit/Authorization", "Defender365.Toolkit.Http")]
    public void Lower_layers_do_not_import_higher_ones(string folder, string forbiddenNamespace)
    {
        var offenders = Directory.GetFiles(Path.Combine(Root, folder), "*.cs")
            .Where(f => File.ReadLines(f).Any(l => l.StartsWith($"using {forbiddenNamespace}", StringComparison.Ordinal)))
            .Select(Path.GetFileName)
            .ToArray();

        Assert.True(offenders.Length == 0, $"{folder} imports {forbiddenNamespace}: {string.Join(", ", offenders)}");
    }
}
