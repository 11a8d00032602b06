using System.Collections.Generic;
using System.Linq;
using Defender365.Toolkit.Analyzers.Incremental;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Defender365.Toolkit.Analyzers.Manifest;

/// <summary>
/// A scope manifest as <see cref="ManifestParser"/> read it: what it declares, every problem at its span, and where each
/// resource and permission sits with the places a new one goes. The one reading of the file: the generator takes
/// <see cref="ToResult"/>, DEF2002 locates unneeded permissions with <see cref="Resources"/>, and the DEF2001 fix edits
/// at the insertion points.
/// </summary>
/// <remarks>
/// Bound to one <see cref="SourceText"/> and to no path, so the analyzers cache it per text
/// (<see cref="ManifestFiles.Documents"/>) whatever project the file belongs to. Not for the generator's pipeline,
/// which needs values free of positions (<see cref="ManifestParseResult"/>).
/// </remarks>
internal sealed class ManifestDocument
{
    internal ManifestDocument(
        SourceText text,
        ScopeManifestSpec? spec,
        IReadOnlyList<ManifestProblem> problems,
        string? salvagedNamespace,
        ManifestInsertion? newResource,
        IReadOnlyList<LocatedGrant> resources)
    {
        Text = text;
        Spec = spec;
        Problems = problems;
        SalvagedNamespace = salvagedNamespace;
        NewResource = newResource;
        Resources = resources;
    }

    /// <summary>The text read.</summary>
    public SourceText Text { get; }

    /// <summary>What the file declares; <see langword="null"/> when it is not a JSON object.</summary>
    public ScopeManifestSpec? Spec { get; }

    /// <summary>Every problem (DEF1001, DEF1002), in file order.</summary>
    public IReadOnlyList<ManifestProblem> Problems { get; }

    /// <summary>For a file that is not valid JSON, its <c>namespace</c> if still legible.</summary>
    public string? SalvagedNamespace { get; }

    /// <summary>Where a new resource entry goes in <c>permissions</c>; <see langword="null"/> when that is not an object.</summary>
    public ManifestInsertion? NewResource { get; }

    /// <summary>The entries of <c>permissions</c> that name a catalog resource, first occurrence of each, in file order.</summary>
    public IReadOnlyList<LocatedGrant> Resources { get; }

    /// <summary>The resource entry with this display name (as the Entra ID portal shows it), if the file has one.</summary>
    public LocatedGrant? FindResource(string displayName) => Resources.FirstOrDefault(r => r.DisplayName == displayName);

    /// <summary>The equatable, position-free result the generator caches on, with problems located in <paramref name="path"/>.</summary>
    public ManifestParseResult ToResult(string path) => new(
        path,
        Spec,
        Problems.Select(p => new DiagnosticInfo(p.Descriptor, LocationInfo.Create(path, Text, p.Span), p.Message)).ToEquatableArray(),
        SalvagedNamespace);
}

/// <summary>A problem in a manifest: which rule, where, and what to tell the user.</summary>
internal sealed record ManifestProblem(DiagnosticDescriptor Descriptor, TextSpan Span, string Message);

/// <summary>One resource entry of <c>permissions</c>, located.</summary>
/// <param name="ResourceId">Catalog id.</param>
/// <param name="DisplayName">The name the file uses (the portal's).</param>
/// <param name="Application">Every string in its <c>application</c> array, in file order.</param>
/// <param name="NewApplicationArray">Where an <c>application</c> array goes when the entry has none; otherwise null.</param>
/// <param name="NewApplicationItem">Where a permission goes at the end of its <c>application</c> array; null without one.</param>
internal sealed record LocatedGrant(
    string ResourceId,
    string DisplayName,
    IReadOnlyList<LocatedPermission> Application,
    ManifestInsertion? NewApplicationArray,
    ManifestInsertion? NewApplicationItem);

/// <summary>A permission name in the file.</summary>
/// <param name="Name">The name as written.</param>
/// <param name="Span">The string literal, quotes included.</param>
/// <param name="IsKnown">Whether the catalog knows it as a permission of this kind on this resource.</param>
internal sealed record LocatedPermission(string Name, TextSpan Span, bool IsKnown);

/// <summary>
/// Where new JSON goes and what surrounds it so the file keeps its layout: after the last member with a comma (on a new
/// line at the same indentation when the container spans lines), or inside an empty container.
/// </summary>
internal sealed record ManifestInsertion(int Position, string Before, string After)
{
    public TextChange Insert(string json) => new(new TextSpan(Position, 0), Before + json + After);
}
