using System.Linq;
using Defender365.Toolkit.Analyzers.Catalog;
using Defender365.Toolkit.Analyzers.Manifest;
using Microsoft.CodeAnalysis.Text;

namespace Defender365.Toolkit.CodeFixes;

/// <summary>
/// Adds an application permission to a scope manifest as a text edit at a place <see cref="ManifestParser"/> located, so
/// the file keeps its layout, comments and key order: in place of a weaker permission it covers, into the resource's
/// <c>application</c> array, or a new array, or a new resource entry.
/// </summary>
internal static class ManifestEditor
{
    /// <returns>The edited text, or <see langword="null"/> when the manifest cannot be read or already declares it.</returns>
    public static SourceText? AddApplicationPermission(SourceText text, string resourceDisplayName, string permission)
    {
        var manifest = ManifestParser.Read(text);
        if (manifest.NewResource is not { } newResource)
        {
            return null;
        }

        var quoted = "\"" + permission + "\"";
        if (manifest.FindResource(resourceDisplayName) is not { } resource)
        {
            return text.WithChanges(newResource.Insert($"\"{resourceDisplayName}\": {{ \"application\": [{quoted}] }}"));
        }

        if (resource.NewApplicationArray is { } newArray)
        {
            return text.WithChanges(newArray.Insert($"\"application\": [{quoted}]"));
        }

        if (resource.NewApplicationItem is not { } newItem || resource.Application.Any(p => p.Name == permission))
        {
            return null;
        }

        // A declared permission the new one covers (Incident.Read.All under Incident.ReadWrite.All) is replaced in place:
        // kept, it would only be flagged by DEF2002 as unneeded next.
        var implications = ApiCatalog.Instance.GetResource(resource.ResourceId).Implications;
        var covered = resource.Application.FirstOrDefault(p => implications.Any(i => !i.Delegated && i.Permission == permission && i.Implies == p.Name));
        return covered is not null
            ? text.WithChanges(new TextChange(covered.Span, quoted))
            : text.WithChanges(newItem.Insert(quoted));
    }
}
