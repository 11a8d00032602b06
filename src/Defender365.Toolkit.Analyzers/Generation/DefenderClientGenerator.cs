using System.Collections.Immutable;
using System.Linq;
using Defender365.Toolkit.Analyzers.Diagnostics;
using Defender365.Toolkit.Analyzers.Generation.Specs;
using Defender365.Toolkit.Analyzers.Incremental;
using Defender365.Toolkit.Analyzers.Manifest;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Defender365.Toolkit.Analyzers.Generation;

/// <summary>
/// Reads the project's scope manifest (<c>defender-scopes.json</c>) and emits the permission constants (and, from the
/// catalog, the typed clients) for what it declares.
/// </summary>
/// <remarks>
/// Pipeline: manifest files → parse (located diagnostics, equatable spec) → pick one per project → combine with build
/// options → decide everything the code says (<see cref="ClientSpecBuilder"/>) → print. Nothing after the parse step
/// holds a Roslyn object, and the compilation is not an input, so an edit to a C# file regenerates nothing.
/// </remarks>
[Generator(LanguageNames.CSharp)]
public sealed class DefenderClientGenerator : IIncrementalGenerator
{
    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var parsed = context.AdditionalTextsProvider
            .Combine(context.AnalyzerConfigOptionsProvider)
            .Where(static pair => ManifestFiles.IsManifest(pair.Left, pair.Right))
            .Select(static (pair, _) => pair.Left)
            .Select(static (text, cancellationToken) => ManifestParser.Parse(text.Path, text.GetText(cancellationToken), cancellationToken))
            .WithTrackingName(TrackingNames.ParseManifest);

        var selected = parsed.Collect()
            .Select(static (results, _) => Select(results))
            .WithTrackingName(TrackingNames.SelectManifest);

        context.RegisterSourceOutput(selected.Select(static (s, _) => s.Diagnostics), static (output, diagnostics) =>
        {
            foreach (var diagnostic in diagnostics)
            {
                output.ReportDiagnostic(diagnostic.ToDiagnostic());
            }
        });

        // The language version decides how always-sent properties are declared; a bool, so options stay equatable.
        var options = context.AnalyzerConfigOptionsProvider
            .Combine(context.ParseOptionsProvider.Select(static (parse, _) => parse is CSharpParseOptions { LanguageVersion: >= LanguageVersion.CSharp11 }))
            .Select(static (pair, _) => new GeneratorOptions(
                pair.Left.GlobalOptions.TryGetValue("build_property.RootNamespace", out var root) && root.Length > 0 ? root : null,
                pair.Right))
            .WithTrackingName(TrackingNames.Options);

        var specs = selected
            .Select(static (s, _) => s.Spec)
            .Combine(options)
            .Select(static (pair, _) => pair.Left is null ? null : new GenerationSpec(
                pair.Left.Namespace ?? (pair.Right.RootNamespace is { } root ? root + ".Defender" : "Defender365.Generated"),
                pair.Left.Cloud,
                pair.Left.Resources,
                pair.Right.RequiredMembers,
                pair.Left.GraphBeta))
            .WithTrackingName(TrackingNames.BuildSpec);

        // Every decision about the code, as equatable data; printing it is the only work left for the output step.
        var clients = specs
            .Select(static (spec, _) => spec is null ? null : ClientSpecBuilder.Build(spec))
            .WithTrackingName(TrackingNames.BuildClientSpec);

        context.RegisterSourceOutput(clients, static (output, spec) =>
        {
            if (spec is not null)
            {
                foreach (var (hintName, source) in Emitter.Emit(spec))
                {
                    output.AddSource(hintName, source);
                }
            }
        });
    }

    /// <summary>One manifest per project: the first by path wins; every other one is reported (DEF1001) and ignored.</summary>
    private static SelectedManifest Select(ImmutableArray<ManifestParseResult> results)
    {
        if (results.IsDefaultOrEmpty)
        {
            return new SelectedManifest(null, EquatableArray<DiagnosticInfo>.Empty);
        }

        var ordered = ManifestFiles.InPrecedence(results, r => r.FilePath);
        var diagnostics = ordered[0].Diagnostics.ToList();
        foreach (var extra in ordered.Skip(1))
        {
            diagnostics.Add(new DiagnosticInfo(
                ManifestDiagnostics.InvalidManifest,
                new LocationInfo(extra.FilePath, default, default),
                $"A project has one scope manifest; this one is ignored because '{ordered[0].FilePath}' is used. Merge them."));
        }

        // An unreadable manifest still yields the entry points, with nothing declared: its DEF1001 is then the first and
        // only error, not buried under CS0246 for every generated type the code uses.
        var spec = ordered[0].Spec ?? new ScopeManifestSpec(ordered[0].SalvagedNamespace, "Commercial", EquatableArray<ResourceGrantSpec>.Empty);
        return new SelectedManifest(spec, diagnostics.ToEquatableArray());
    }
}
