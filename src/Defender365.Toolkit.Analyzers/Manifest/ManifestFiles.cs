using System;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Defender365.Toolkit.Analyzers.Manifest;

/// <summary>Finds the scope manifest among additional files, the same way for the generator and the analyzers.</summary>
internal static class ManifestFiles
{
    /// <summary>Item metadata that marks an additional file as a scope manifest regardless of its name.</summary>
    public const string ManifestMetadata = "build_metadata.AdditionalFiles.Defender365Manifest";

    // Keyed by the file's text: the manifest is re-read only when it changed, not on every compilation (keystroke).
    private static readonly ConditionalWeakTable<SourceText, ManifestParseResult> Parsed = new();

    public static bool IsManifest(AdditionalText text, AnalyzerConfigOptionsProvider options) =>
        string.Equals(Path.GetFileName(text.Path), ManifestParser.FileName, StringComparison.OrdinalIgnoreCase)
        || (options.GetOptions(text).TryGetValue(ManifestMetadata, out var marked) && string.Equals(marked, "true", StringComparison.OrdinalIgnoreCase));

    /// <summary>The project's manifest (first by path) with its text and spec, read with the shared parser; null when there is none or it is unreadable.</summary>
    public static (string Path, SourceText Text, ScopeManifestSpec Spec)? FindFile(AnalyzerOptions options, CancellationToken cancellationToken)
    {
        var manifest = options.AdditionalFiles
            .Where(f => IsManifest(f, options.AnalyzerConfigOptionsProvider))
            .OrderBy(f => f.Path, StringComparer.Ordinal)
            .FirstOrDefault();
        if (manifest?.GetText(cancellationToken) is not { } text)
        {
            return null;
        }

        return Parsed.GetValue(text, t => ManifestParser.Parse(manifest.Path, t, cancellationToken)).Spec is { } spec
            ? (manifest.Path, text, spec)
            : null;
    }
}
