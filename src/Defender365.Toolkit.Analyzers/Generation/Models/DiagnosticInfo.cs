using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Defender365.Toolkit.Analyzers.Generation.Models;

/// <summary>A position in a file, as plain values (a <see cref="Location"/> would pin the syntax tree and defeat caching).</summary>
/// <remarks>Immutable with structural equality, or incremental caching breaks.</remarks>
internal sealed record LocationInfo(string FilePath, TextSpan Span, LinePositionSpan LineSpan)
{
    public Location ToLocation() => Location.Create(FilePath, Span, LineSpan);

    public static LocationInfo Create(string path, SourceText text, TextSpan span)
    {
        // Clamp: a span at the very end of the file (e.g. "unexpected end") must stay inside the text.
        var start = Math.Min(span.Start, text.Length);
        var clamped = TextSpan.FromBounds(start, Math.Min(Math.Max(span.End, start), text.Length));
        return new LocationInfo(path, clamped, text.Lines.GetLinePositionSpan(clamped));
    }
}

/// <summary>A diagnostic as data: which rule, where, and the message argument.</summary>
/// <remarks>Immutable with structural equality, or incremental caching breaks.</remarks>
internal sealed record DiagnosticInfo(string Id, LocationInfo Location, string Message)
{
    public Diagnostic ToDiagnostic() =>
        Diagnostic.Create(
            Id == Diagnostics.RuleIdentifiers.InvalidManifest ? Diagnostics.ManifestDiagnostics.InvalidManifest : Diagnostics.ManifestDiagnostics.UnknownEntry,
            Location.ToLocation(),
            Message);
}
