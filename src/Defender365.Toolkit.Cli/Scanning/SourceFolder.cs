using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace Defender365.Toolkit.Cli.Scanning;

/// <summary>The files of a folder that a scan reads, and the references its one compilation binds against.</summary>
internal static class SourceFolder
{
    // Folders of build output, tools and dependencies: not the repository's own text.
    private static readonly HashSet<string> SkippedFolders = new(StringComparer.OrdinalIgnoreCase) { "bin", "obj", ".git", ".vs", ".idea", "node_modules", "packages", "artifacts", "TestResults" };

    /// <summary>Every file under <paramref name="folder"/> that <paramref name="wanted"/> accepts, skipping build output and links.</summary>
    public static IEnumerable<string> Enumerate(DirectoryInfo folder, Func<FileInfo, bool> wanted)
    {
        var pending = new Stack<DirectoryInfo>([folder]);
        while (pending.TryPop(out var current))
        {
            foreach (var file in current.EnumerateFiles())
            {
                if (wanted(file))
                {
                    yield return file.FullName;
                }
            }

            foreach (var child in current.EnumerateDirectories())
            {
                if (!SkippedFolders.Contains(child.Name) && (child.Attributes & FileAttributes.ReparsePoint) == 0)
                {
                    pending.Push(child);
                }
            }
        }
    }

    /// <summary>The language version a scan parses with: the newest, so no project's syntax is refused.</summary>
    public static CSharpParseOptions ParseOptions { get; } = new(LanguageVersion.Preview);

    /// <summary>Reads the files: C# files parsed into syntax trees, the others as additional files.</summary>
    public static async Task<(List<SyntaxTree> Trees, List<AdditionalText> Additional)> ReadAsync(IEnumerable<string> paths, CSharpParseOptions parseOptions, CancellationToken cancellationToken)
    {
        var trees = new List<SyntaxTree>();
        var additional = new List<AdditionalText>();
        foreach (var path in paths)
        {
            var text = SourceText.From(await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false));
            if (path.EndsWith(".cs", StringComparison.OrdinalIgnoreCase))
            {
                trees.Add(CSharpSyntaxTree.ParseText(text, parseOptions, path, cancellationToken));
            }
            else
            {
                additional.Add(new FileText(path, text));
            }
        }

        return (trees, additional);
    }

    /// <summary>
    /// The running framework's assemblies plus MSAL, Azure.Core and the toolkit's runtime (which this tool carries):
    /// enough to know a framework parameter's name and a generated method's <c>[RequiresDefenderPermission]</c>.
    /// </summary>
    public static IReadOnlyList<MetadataReference> References => LazyReferences.Value;

    private static readonly Lazy<IReadOnlyList<MetadataReference>> LazyReferences = new(() =>
    {
        var paths = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES"))?.Split(Path.PathSeparator) ?? [];
        return
        [
            .. paths.Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "mscorlib.dll" or "netstandard.dll")
                .Select(p => MetadataReference.CreateFromFile(p)),
            MetadataReference.CreateFromFile(typeof(Microsoft.Identity.Client.ConfidentialClientApplicationBuilder).Assembly.Location),
            MetadataReference.CreateFromFile(typeof(Azure.Core.TokenCredential).Assembly.Location),
            MetadataReference.CreateFromFile(typeof(Defender365.Toolkit.Authorization.RequiresDefenderPermissionAttribute).Assembly.Location),
        ];
    });

    /// <summary>An additional file read from disk.</summary>
    internal sealed class FileText(string path, SourceText text) : AdditionalText
    {
        public override string Path { get; } = path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => text;
    }
}
