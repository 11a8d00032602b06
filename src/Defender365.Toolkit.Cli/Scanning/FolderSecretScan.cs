using System.Collections.Immutable;
using Defender365.Toolkit.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Defender365.Toolkit.Cli.Scanning;

/// <summary>
/// Runs the build's secret rules, DEF3001, DEF3003 and DEF3004 (C#) and DEF3002 (settings files), over a folder without building it: the C#
/// files are parsed into one compilation against the framework's reference assemblies (so a parameter named
/// <c>clientSecret</c> of a framework or MSAL API is known), the other files are the rules' additional files. The
/// folder's <c>.editorconfig</c> files set the rules' options and severities, as in a build (<see cref="EditorConfigOptions"/>).
/// </summary>
internal static class FolderSecretScan
{
    // Settings and configuration files DEF3002 reads; everything else (binaries, images, Markdown) is left alone.
    private static readonly HashSet<string> SettingsExtensions = new(StringComparer.OrdinalIgnoreCase) { ".json", ".env", ".yml", ".yaml", ".config", ".xml", ".ini", ".properties", ".conf", ".tfvars", ".ps1", ".sh" };

    /// <summary>Scans <paramref name="folder"/> recursively, or only <paramref name="file"/> in it (with the folder's settings files).</summary>
    public static async Task<ScanResult> RunAsync(DirectoryInfo folder, CancellationToken cancellationToken, FileInfo? file = null)
    {
        var files = file is null
            ? Enumerate(folder).ToList()
            : [file.FullName, .. folder.EnumerateFiles().Where(f => EditorConfigOptions.IsConfigFile(f.Name)).Select(f => f.FullName)];
        var configuration = await EditorConfigOptions.ReadAsync(folder, files.Where(f => EditorConfigOptions.IsConfigFile(Path.GetFileName(f))), cancellationToken).ConfigureAwait(false);
        var (trees, additional) = await SourceFolder.ReadAsync(files.Where(f => !EditorConfigOptions.IsConfigFile(Path.GetFileName(f))), SourceFolder.ParseOptions, cancellationToken).ConfigureAwait(false);

        var compilation = CSharpCompilation.Create("scan", trees, SourceFolder.References, configuration.Apply(new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary)));
        var analyzers = ImmutableArray.Create<DiagnosticAnalyzer>(new HardcodedSecretAnalyzer(), new SecretInFileAnalyzer(), new SecretInCommentAnalyzer());
        var diagnostics = await compilation
            .WithAnalyzers(analyzers, new AnalyzerOptions([.. additional], configuration.AnalyzerOptions))
            .GetAnalyzerDiagnosticsAsync(cancellationToken)
            .ConfigureAwait(false);
        var findings = diagnostics
            // Suppressed ones never come back; hidden ones are not shown by a build either.
            .Where(d => (d.Location.IsInSource || d.Location.Kind == LocationKind.ExternalFile) && d.Severity != DiagnosticSeverity.Hidden)
            .Select(d => new Finding(d.Id, d.Severity, d.GetMessage(System.Globalization.CultureInfo.InvariantCulture), d.Location.GetLineSpan(), d.Descriptor.HelpLinkUri, d.Descriptor.Title.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            .OrderBy(f => f.Position.Path, StringComparer.Ordinal).ThenBy(f => f.Position.StartLinePosition.Line).ThenBy(f => f.Position.StartLinePosition.Character)
            .ToList();
        return new ScanResult(folder.FullName, trees.Count, additional.Count, findings);
    }

    private static IEnumerable<string> Enumerate(DirectoryInfo folder) => SourceFolder.Enumerate(folder, file =>
        file.Extension.Equals(".cs", StringComparison.OrdinalIgnoreCase) || SettingsExtensions.Contains(file.Extension)
        || file.Name.StartsWith(".env", StringComparison.OrdinalIgnoreCase) || EditorConfigOptions.IsConfigFile(file.Name));
}
/// <summary>What a scan found.</summary>
/// <param name="Folder">The scanned folder.</param>
/// <param name="CSharpFiles">C# files read.</param>
/// <param name="OtherFiles">Settings files read.</param>
/// <param name="Findings">Secrets found, by file and position.</param>
internal sealed record ScanResult(string Folder, int CSharpFiles, int OtherFiles, IReadOnlyList<Finding> Findings);

/// <summary>One secret found: the rule, its severity as configured, its message (which never repeats the secret) and where.</summary>
internal sealed record Finding(string RuleId, DiagnosticSeverity Severity, string Message, FileLinePositionSpan Position, string? HelpUri, string Title)
{
    /// <summary>The severity as a build prints it (<c>error</c>, <c>warning</c>, <c>info</c>).</summary>
    public string Level => Severity switch
    {
        DiagnosticSeverity.Error => "error",
        DiagnosticSeverity.Warning => "warning",
        _ => "info",
    };
}
