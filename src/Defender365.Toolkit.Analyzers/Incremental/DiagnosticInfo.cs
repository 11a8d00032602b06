using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Defender365.Toolkit.Analyzers.Incremental;

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

/// <summary>A diagnostic as data: its descriptor, where, and the message argument.</summary>
/// <remarks>
/// Immutable with structural equality, or incremental caching breaks. A descriptor is a value Roslyn compares by
/// content and holds no compilation, so it can travel through the pipeline; carrying it, rather than picking one by id
/// at the end, means a new rule cannot be reported under another's descriptor.
/// </remarks>
internal sealed record DiagnosticInfo(DiagnosticDescriptor Descriptor, LocationInfo Location, string Message)
{
    public string Id => Descriptor.Id;

    public Diagnostic ToDiagnostic() => Diagnostic.Create(Descriptor, Location.ToLocation(), Message);
}
