using System.Collections.Immutable;
using Defender365.Toolkit.Analyzers.Catalog;
using Defender365.Toolkit.Analyzers.Generation;
using Defender365.Toolkit.Analyzers.Manifest;
using Defender365.Toolkit.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Defender365.Toolkit.Cli.Scanning;

/// <summary>
/// Finds every call of a project to an operation Microsoft is retiring (DEF5001) or that is at risk (DEF5002) without
/// building it: the C# files are parsed into one compilation, the package's generator makes the clients from the
/// folder's <c>defender-scopes.json</c> (so generated calls bind as in the build), and the build's lifecycle analyzer
/// reports them. The folder's <c>.editorconfig</c> files apply, as in a build.
/// </summary>
internal static class FolderLifecycleScan
{
    private const string ImplicitUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        """;

    public static async Task<LifecycleScanResult> RunAsync(DirectoryInfo folder, bool includeAtRisk, CancellationToken cancellationToken)
    {
        var files = SourceFolder.Enumerate(folder, f => f.Extension.Equals(".cs", StringComparison.OrdinalIgnoreCase)
            || f.Name.Equals(ManifestParser.FileName, StringComparison.OrdinalIgnoreCase) || EditorConfigOptions.IsConfigFile(f.Name)).ToList();
        var configuration = await EditorConfigOptions.ReadAsync(folder, files.Where(f => EditorConfigOptions.IsConfigFile(Path.GetFileName(f))), cancellationToken).ConfigureAwait(false);
        var parseOptions = SourceFolder.ParseOptions;
        var (trees, manifests) = await SourceFolder.ReadAsync(files.Where(f => !EditorConfigOptions.IsConfigFile(Path.GetFileName(f))), parseOptions, cancellationToken).ConfigureAwait(false);

        // The SDK's implicit usings, which most projects rely on: without them a call whose argument's type is unknown does not bind.
        trees.Add(CSharpSyntaxTree.ParseText(ImplicitUsings, parseOptions, "ImplicitUsings.g.cs", cancellationToken: cancellationToken));
        var options = configuration.Apply(new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        if (includeAtRisk)
        {
            options = options.WithSpecificDiagnosticOptions(options.SpecificDiagnosticOptions.SetItem(RetiringOperationAnalyzer.AtRiskRule.Id, ReportDiagnostic.Info));
        }

        var compilation = CSharpCompilation.Create("lifecycle", trees, SourceFolder.References, options);
        var generator = CSharpGeneratorDriver.Create([new DefenderClientGenerator().AsSourceGenerator()], manifests, parseOptions, configuration.AnalyzerOptions);
        generator.RunGeneratorsAndUpdateCompilation(compilation, out var withClients, out _, cancellationToken);

        var diagnostics = await withClients
            .WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new RetiringOperationAnalyzer()), new AnalyzerOptions([.. manifests], configuration.AnalyzerOptions))
            .GetAnalyzerDiagnosticsAsync(cancellationToken)
            .ConfigureAwait(false);
        var calls = diagnostics
            .Where(d => d.Location.IsInSource && d.Severity != DiagnosticSeverity.Hidden && File.Exists(d.Location.SourceTree!.FilePath))
            .Select(d => new LifecycleCall(
                new Finding(d.Id, d.Severity, d.GetMessage(System.Globalization.CultureInfo.InvariantCulture), d.Location.GetLineSpan(), d.Descriptor.HelpLinkUri, d.Descriptor.Title.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ApiCatalog.Instance.FindOperation(d.Properties[RetiringOperationAnalyzer.OperationProperty]!)!,
                d.Properties.TryGetValue(RetiringOperationAnalyzer.ResourceDisplayNameProperty, out var resource) ? resource : null,
                d.Properties.TryGetValue(RetiringOperationAnalyzer.PermissionProperty, out var permission) ? permission : null))
            .OrderBy(c => c.Finding.Position.Path, StringComparer.Ordinal).ThenBy(c => c.Finding.Position.StartLinePosition.Line).ThenBy(c => c.Finding.Position.StartLinePosition.Character)
            .ToList();
        var manifest = ManifestFiles.InPrecedence(manifests, m => m.Path).FirstOrDefault();
        var declared = manifest is null || ManifestParser.Read(manifest.GetText(cancellationToken)!, cancellationToken).Spec is not { } spec
            ? []
            : spec.Resources.SelectMany(r => r.Application.Select(p => (r.ResourceId, p))).ToHashSet();
        return new LifecycleScanResult(new ScanResult(folder.FullName, trees.Count - 1, manifests.Count, [.. calls.Select(c => c.Finding)]), calls, manifest?.Path, declared);
    }
}

/// <summary>What a lifecycle scan found.</summary>
/// <param name="Scan">The findings as a secret scan reports them (for SARIF).</param>
/// <param name="Calls">Each call, with its operation.</param>
/// <param name="ManifestPath">The scope manifest the generator read, if the folder has one.</param>
/// <param name="Declared">The application permissions it declares, as (resource id, permission).</param>
internal sealed record LifecycleScanResult(ScanResult Scan, IReadOnlyList<LifecycleCall> Calls, string? ManifestPath, IReadOnlySet<(string Resource, string Permission)> Declared);

/// <summary>One call to an operation with a lifecycle.</summary>
/// <param name="Finding">Where, and the diagnostic's message.</param>
/// <param name="Operation">The operation called; its <see cref="CatalogOperation.Lifecycle"/> is set.</param>
/// <param name="ReplacementResource">The resource the replacement's permission is on (as the manifest names it), if there is a replacement.</param>
/// <param name="ReplacementPermission">The least-privileged permission the replacement needs, if there is a replacement.</param>
internal sealed record LifecycleCall(Finding Finding, CatalogOperation Operation, string? ReplacementResource, string? ReplacementPermission)
{
    public CatalogLifecycle Lifecycle => Operation.Lifecycle!;
}
