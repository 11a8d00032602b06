using System;
using System.Linq;
using Defender365.Toolkit.Analyzers.Catalog;
using Defender365.Toolkit.Analyzers.Json;
using Microsoft.CodeAnalysis.Text;

namespace Defender365.Toolkit.CodeFixes;

/// <summary>
/// Adds an application permission to a scope manifest as a text edit at the right place, so the file keeps its layout,
/// comments and key order: in place of a weaker permission it covers, into the resource's <c>application</c> array, or a
/// new array, or a new resource entry.
/// </summary>
internal static class ManifestEditor
{
    /// <returns>The edited text, or <see langword="null"/> when the manifest cannot be read or already declares it.</returns>
    public static SourceText? AddApplicationPermission(SourceText text, string resourceDisplayName, string permission)
    {
        var content = text.ToString();
        if (JsonReader.Read(content).Root is not JsonObject root || root["permissions"] is not JsonObject permissions)
        {
            return null;
        }

        var quoted = "\"" + permission + "\"";
        var resource = permissions.Properties.FirstOrDefault(p => p.Name == resourceDisplayName);
        if (resource is null)
        {
            var entry = $"\"{resourceDisplayName}\": {{ \"application\": [{quoted}] }}";
            return Insert(text, content, permissions, entry);
        }

        if (resource.Value is not JsonObject kinds)
        {
            return null;
        }

        if (kinds["application"] is not JsonArray application)
        {
            return Insert(text, content, kinds, $"\"application\": [{quoted}]");
        }

        if (application.Items.OfType<JsonString>().Any(s => s.Value == permission))
        {
            return null;
        }

        // A declared permission the new one covers (Incident.Read.All under Incident.ReadWrite.All) is replaced in place:
        // kept, it would only be flagged by DEF2002 as unneeded next.
        var implications = ApiCatalog.Instance.FindResourceByDisplayName(resourceDisplayName)?.Implications ?? [];
        var covered = application.Items.OfType<JsonString>().FirstOrDefault(s => implications.Any(i => !i.Delegated && i.Permission == permission && i.Implies == s.Value));
        if (covered is not null)
        {
            return text.WithChanges(new TextChange(covered.Span, quoted));
        }

        if (application.Items.Count == 0)
        {
            return text.WithChanges(new TextChange(new TextSpan(application.Span.Start + 1, 0), quoted));
        }

        var last = application.Items[application.Items.Count - 1];
        var separator = IsMultiline(content, application.Span) ? ",\n" + IndentOf(content, last.Span.Start) : ", ";
        return text.WithChanges(new TextChange(new TextSpan(last.Span.End, 0), separator + quoted));
    }

    /// <summary>Adds a property to an object, after its last property, matching its layout.</summary>
    private static SourceText Insert(SourceText text, string content, JsonObject target, string property)
    {
        if (target.Properties.Count == 0)
        {
            return text.WithChanges(new TextChange(new TextSpan(target.Span.Start + 1, 0), " " + property + " "));
        }

        var last = target.Properties[target.Properties.Count - 1];
        var separator = IsMultiline(content, target.Span) ? ",\n" + IndentOf(content, last.NameSpan.Start) : ", ";
        return text.WithChanges(new TextChange(new TextSpan(last.Value.Span.End, 0), separator + property));
    }

    private static bool IsMultiline(string content, TextSpan span) => content.IndexOf('\n', span.Start, span.Length) >= 0;

    private static string IndentOf(string content, int position)
    {
        var lineStart = content.LastIndexOf('\n', Math.Max(0, position - 1)) + 1;
        var end = lineStart;
        while (end < content.Length && (content[end] == ' ' || content[end] == '\t'))
        {
            end++;
        }

        return content.Substring(lineStart, end - lineStart);
    }
}
