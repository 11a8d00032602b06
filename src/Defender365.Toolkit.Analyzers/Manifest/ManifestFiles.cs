using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Defender365.Toolkit.Analyzers.Manifest;

/// <summary>Decides which additional file is the project's scope manifest, the same way for the generator and the analyzers.</summary>
internal static class ManifestFiles
{
    /// <summary>Item metadata that marks an additional file as a scope manifest regardless of its name.</summary>
    public const string ManifestMetadata = "build_metadata.AdditionalFiles.Defender365Manifest";

    /// <summary>
    /// The located reading of a manifest's text, kept by Roslyn per <see cref="SourceText"/> for as long as the text
    /// lives: the file is re-read when it changed, not on every compilation (keystroke).
    /// </summary>
    public static readonly SourceTextValueProvider<ManifestDocument> Documents = new(static text => ManifestParser.Read(text));

    /// <summary>Whether an additional file is a manifest: named <c>defender-scopes.json</c>, or marked with metadata.</summary>
    public static bool IsManifest(AdditionalText text, AnalyzerConfigOptionsProvider options) =>
        string.Equals(Path.GetFileName(text.Path), ManifestParser.FileName, StringComparison.OrdinalIgnoreCase)
        || (options.GetOptions(text).TryGetValue(ManifestMetadata, out var marked) && string.Equals(marked, "true", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Manifests in the order that decides which one a project uses: the first by path (ordinal); the same path listed
    /// twice (by the package's convention and by hand) counts once. The generator reports the others.
    /// </summary>
    public static IReadOnlyList<T> InPrecedence<T>(IEnumerable<T> manifests, Func<T, string> pathOf) => manifests
        .GroupBy(pathOf, StringComparer.OrdinalIgnoreCase)
        .Select(g => g.First())
        .OrderBy(pathOf, StringComparer.Ordinal)
        .ToArray();

    /// <summary>The project's manifest file and its text; null when there is none or it cannot be read.</summary>
    /// <remarks>Read it through <see cref="Documents"/> (<c>context.TryGetValue(text, ManifestFiles.Documents, …)</c>).</remarks>
    public static (string Path, SourceText Text)? Find(AnalyzerOptions options, CancellationToken cancellationToken)
    {
        var manifest = InPrecedence(options.AdditionalFiles.Where(f => IsManifest(f, options.AnalyzerConfigOptionsProvider)), f => f.Path).FirstOrDefault();
        return manifest?.GetText(cancellationToken) is { } text ? (manifest.Path, text) : null;
    }
}
