using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Defender365.Toolkit.Cli.Scanning;

/// <summary>
/// The <c>.editorconfig</c> and <c>.globalconfig</c> files a build of the scanned folder would use — those inside it and
/// the <c>.editorconfig</c> files above it up to one marked <c>root = true</c> — given to the compiler the way the build
/// gives them: rule options (<c>DEF3001.excluded_names</c>, …) to the analyzers, severities
/// (<c>dotnet_diagnostic.DEF3001.severity</c>) to the compilation, so the scan reports what the build would.
/// </summary>
internal sealed class EditorConfigOptions
{
    private readonly AnalyzerConfigSet _set;

    private EditorConfigOptions(AnalyzerConfigSet set) => _set = set;

    /// <summary>The file names a build reads configuration from.</summary>
    public static bool IsConfigFile(string fileName) => fileName is ".editorconfig" or ".globalconfig";

    /// <summary>Reads <paramref name="inside"/> (config files found in the folder) and the .editorconfig files above it.</summary>
    public static async Task<EditorConfigOptions> ReadAsync(DirectoryInfo folder, IEnumerable<string> inside, CancellationToken cancellationToken)
    {
        var configs = new List<AnalyzerConfig>();
        var rootInside = false;
        foreach (var path in inside)
        {
            var text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
            configs.Add(AnalyzerConfig.Parse(SourceText.From(text), path));
            rootInside |= IsRoot(text) && Path.GetDirectoryName(path) == Path.TrimEndingDirectorySeparator(folder.FullName);
        }

        for (var above = rootInside ? null : folder.Parent; above is not null; above = above.Parent)
        {
            var path = Path.Combine(above.FullName, ".editorconfig");
            if (File.Exists(path))
            {
                var text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
                configs.Add(AnalyzerConfig.Parse(SourceText.From(text), path));
                if (IsRoot(text))
                {
                    break;
                }
            }
        }

        return new EditorConfigOptions(AnalyzerConfigSet.Create(configs));
    }

    // "root = true" before the first section ends the search upwards, as for editors and the compiler.
    private static bool IsRoot(string text)
    {
        foreach (var line in text.Split('\n'))
        {
            var trimmed = line.Trim();
            if (trimmed.StartsWith('['))
            {
                return false;
            }

            var equals = trimmed.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && trimmed[..equals].Trim().Equals("root", StringComparison.OrdinalIgnoreCase) && trimmed[(equals + 1)..].Trim().Equals("true", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Options for the analyzers, by file.</summary>
    public AnalyzerConfigOptionsProvider AnalyzerOptions => new Provider(_set);

    /// <summary>The compilation's options with the configured severities: the compiler applies them as in a build.</summary>
    public CSharpCompilationOptions Apply(CSharpCompilationOptions options) => options.WithSyntaxTreeOptionsProvider(new Severities(_set));

    private sealed class Provider(AnalyzerConfigSet set) : AnalyzerConfigOptionsProvider
    {
        public override AnalyzerConfigOptions GlobalOptions { get; } = new Values(set.GlobalConfigOptions.AnalyzerOptions);

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => new Values(set.GetOptionsForSourcePath(tree.FilePath).AnalyzerOptions);

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => new Values(set.GetOptionsForSourcePath(textFile.Path).AnalyzerOptions);
    }

    private sealed class Values(ImmutableDictionary<string, string> values) : AnalyzerConfigOptions
    {
        public override bool TryGetValue(string key, [NotNullWhen(true)] out string? value) => values.TryGetValue(key, out value);
    }

    // What the build's compiler gets from the same files: per-file severities, and the global ones for everything else
    // (which is what reaches a diagnostic in a settings file, as in a build).
    private sealed class Severities(AnalyzerConfigSet set) : SyntaxTreeOptionsProvider
    {
        public override GeneratedKind IsGenerated(SyntaxTree tree, CancellationToken cancellationToken) => GeneratedKind.Unknown;

        public override bool TryGetDiagnosticValue(SyntaxTree tree, string diagnosticId, CancellationToken cancellationToken, out ReportDiagnostic severity) =>
            set.GetOptionsForSourcePath(tree.FilePath).TreeOptions.TryGetValue(diagnosticId, out severity);

        public override bool TryGetGlobalDiagnosticValue(string diagnosticId, CancellationToken cancellationToken, out ReportDiagnostic severity) =>
            set.GlobalConfigOptions.TreeOptions.TryGetValue(diagnosticId, out severity);
    }
}
