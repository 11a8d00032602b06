using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Defender365.Toolkit.Analyzers.Catalog;
using Defender365.Toolkit.Analyzers.Diagnostics;
using Defender365.Toolkit.Analyzers.Incremental;
using Defender365.Toolkit.Analyzers.Json;
using Defender365.Toolkit.Shared;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace Defender365.Toolkit.Analyzers.Manifest;

/// <summary>
/// Reads <c>defender-scopes.json</c>. Shared by the generator and the analyzers, so their verdicts cannot drift. Never
/// throws: every problem becomes a DEF1001 (not JSON, wrong shape or type) or DEF1002 (unknown resource or permission)
/// at its place in the file, and whatever is valid is still returned.
/// </summary>
internal static class ManifestParser
{
    /// <summary>The file name picked up by convention (any other file can be marked with metadata).</summary>
    public const string FileName = "defender-scopes.json";

    public static readonly string[] Clouds = ["Commercial", "GCC", "GCCHigh", "DoD"];
    private static readonly string[] TopLevel = ["$schema", "namespace", "cloud", "graphBeta", "permissions"];
    private static readonly string[] Kinds = ["application", "delegated"];

    /// <summary>Reads a manifest file for the generator: what it declares and every problem, located in <paramref name="path"/>.</summary>
    /// <param name="path">The file's path, for diagnostics.</param>
    /// <param name="text">Its text; <see langword="null"/> when it could not be read (one DEF1001).</param>
    /// <param name="cancellationToken">Stops the walk.</param>
    public static ManifestParseResult Parse(string path, SourceText? text, CancellationToken cancellationToken) => text is null
        ? new ManifestParseResult(path, null, new[] { new DiagnosticInfo(ManifestDiagnostics.InvalidManifest, new LocationInfo(path, default, default), "The file could not be read.") }.ToEquatableArray())
        : Read(text, cancellationToken).ToResult(path);

    /// <summary>Reads a manifest's text into a located document (what it declares, problems, where things are).</summary>
    public static ManifestDocument Read(SourceText text, CancellationToken cancellationToken = default)
    {
        var content = text.ToString();
        var context = new Context(content);
        var read = JsonReader.Read(content);
        cancellationToken.ThrowIfCancellationRequested();
        if (read.Root is null)
        {
            context.Invalid(read.ErrorSpan, $"Not valid JSON: {read.Error}");
            return context.Document(text, null, SalvageNamespace(content));
        }

        if (read.Root is not JsonObject root)
        {
            context.Invalid(read.Root.Span, $"The manifest must be a JSON object; found {read.Root.KindName}.");
            return context.Document(text, null);
        }

        string? ns = null;
        var cloud = "Commercial";
        var graphBeta = false;
        var grants = new Dictionary<string, (SortedSet<string> Application, SortedSet<string> Delegated)>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var hasPermissions = false;

        foreach (var property in root.Properties)
        {
            if (!seen.Add(property.Name))
            {
                context.Invalid(property.NameSpan, $"The property '{property.Name}' appears more than once.");
                continue;
            }

            switch (property.Name)
            {
                case "$schema":
                    break;
                case "namespace":
                    ns = ReadNamespace(context, property.Value);
                    break;
                case "cloud":
                    cloud = ReadCloud(context, property.Value) ?? cloud;
                    break;
                case "graphBeta":
                    if (property.Value is JsonLiteral { Value: bool opted })
                    {
                        graphBeta = opted;
                    }
                    else
                    {
                        context.Invalid(property.Value.Span, $"'graphBeta' must be true or false; found {property.Value.KindName}.");
                    }

                    break;
                case "permissions":
                    hasPermissions = true;
                    ReadPermissions(context, property.Value, grants, cancellationToken);
                    break;
                default:
                    context.Invalid(property.NameSpan, $"Unknown property '{property.Name}'.{Suggest(property.Name, TopLevel)} Expected: namespace, cloud, graphBeta, permissions.");
                    break;
            }
        }

        if (!hasPermissions)
        {
            context.Invalid(new TextSpan(root.Span.Start, 1), "The manifest has no 'permissions' object: declare the permissions the app holds per resource.");
        }

        var resources = grants
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new ResourceGrantSpec(g.Key, g.Value.Application.ToEquatableArray(), g.Value.Delegated.ToEquatableArray()))
            .ToEquatableArray();
        return context.Document(text, new ScopeManifestSpec(ns, cloud, resources, graphBeta));
    }

    /// <summary>
    /// The namespace of a manifest that is not valid JSON, when its <c>"namespace": "…"</c> is still legible and valid: the
    /// generated entry points then stay where the user's code looks for them while the one real error is fixed.
    /// </summary>
    private static string? SalvageNamespace(string text)
    {
        var match = System.Text.RegularExpressions.Regex.Match(text, "\"namespace\"\\s*:\\s*\"([^\"\\\\]{1,512})\"", System.Text.RegularExpressions.RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        if (!match.Success)
        {
            return null;
        }

        var candidate = match.Groups[1].Value;
        var parts = candidate.Split('.');
        return parts.Length <= MaxNamespaceParts && parts.All(p => SyntaxFacts.IsValidIdentifier(p) && SyntaxFacts.GetKeywordKind(p) == SyntaxKind.None && SyntaxFacts.GetContextualKeywordKind(p) == SyntaxKind.None)
            ? candidate
            : null;
    }

    private const int MaxNamespaceLength = 512;
    private const int MaxNamespaceParts = 32;

    private static string? ReadNamespace(Context context, JsonNode value)
    {
        if (value is not JsonString text)
        {
            context.Invalid(value.Span, $"'namespace' must be a string; found {value.KindName}.");
            return null;
        }

        // Limits well above any real namespace: a 5,000-part one was accepted and took 86 s to compile.
        if (text.Value.Length > MaxNamespaceLength)
        {
            context.Invalid(value.Span, $"The namespace is {text.Value.Length} characters long: at most {MaxNamespaceLength} characters.");
            return null;
        }

        var parts = text.Value.Split('.');
        if (parts.Length > MaxNamespaceParts)
        {
            context.Invalid(value.Span, $"The namespace has {parts.Length} parts: at most {MaxNamespaceParts} parts.");
            return null;
        }

        // Contextual keywords too: the generated code declares 'var' locals and types in the namespace, and a namespace
        // named 'var', 'dynamic', 'nameof' or 'global' turns those into errors (CS0118) in code the user cannot edit.
        if (text.Value.Length == 0 || parts.Any(p => !SyntaxFacts.IsValidIdentifier(p) || SyntaxFacts.GetKeywordKind(p) != SyntaxKind.None || SyntaxFacts.GetContextualKeywordKind(p) != SyntaxKind.None))
        {
            context.Invalid(value.Span, $"'{text.Value}' is not a valid C# namespace (identifiers separated by dots, no keywords or contextual keywords such as var, dynamic, nameof, global).");
            return null;
        }

        return text.Value;
    }

    private static string? ReadCloud(Context context, JsonNode value)
    {
        if (value is not JsonString text)
        {
            context.Invalid(value.Span, $"'cloud' must be a string; found {value.KindName}.");
            return null;
        }

        if (Array.IndexOf(Clouds, text.Value) >= 0)
        {
            return text.Value;
        }

        context.Invalid(value.Span, $"Unknown cloud '{text.Value}'.{Suggest(text.Value, Clouds)} Expected one of: {string.Join(", ", Clouds)}.");
        return null;
    }

    private static void ReadPermissions(Context context, JsonNode value, Dictionary<string, (SortedSet<string> Application, SortedSet<string> Delegated)> grants, CancellationToken cancellationToken)
    {
        if (value is not JsonObject permissions)
        {
            context.Invalid(value.Span, $"'permissions' must be an object (resource name → {{ \"application\": [...] }}); found {value.KindName}.");
            return;
        }

        context.NewResource = context.After(permissions);
        var catalog = ApiCatalog.Instance;
        foreach (var entry in permissions.Properties)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var resource = catalog.FindResourceByDisplayName(entry.Name);
            if (resource is null)
            {
                var byId = catalog.Resources.FirstOrDefault(r => string.Equals(r.Id, entry.Name, StringComparison.OrdinalIgnoreCase)
                    || string.Equals(r.DisplayName, entry.Name, StringComparison.OrdinalIgnoreCase));
                var hint = byId is not null ? $" Did you mean '{byId.DisplayName}'?" : Suggest(entry.Name, catalog.Resources.Select(r => r.DisplayName));
                context.Unknown(entry.NameSpan, $"Unknown resource '{entry.Name}'.{hint} Resources are named as the Entra ID portal shows them: {string.Join(", ", catalog.Resources.Select(r => r.DisplayName))}.");
                continue;
            }

            if (grants.ContainsKey(resource.Id))
            {
                context.Invalid(entry.NameSpan, $"The resource '{entry.Name}' appears more than once.");
                continue;
            }

            var grant = (Application: new SortedSet<string>(StringComparer.Ordinal), Delegated: new SortedSet<string>(StringComparer.Ordinal));
            grants[resource.Id] = grant;
            context.Resources.Add(ReadGrant(context, entry, resource, grant.Application, grant.Delegated));
        }
    }

    /// <summary>One resource entry: <c>{ "application": [...], "delegated": [...] }</c>, located for DEF2002 and the fix.</summary>
    private static LocatedGrant ReadGrant(Context context, JsonProperty entry, CatalogResource resource, SortedSet<string> application, SortedSet<string> delegated)
    {
        var located = new List<LocatedPermission>();
        if (entry.Value is not JsonObject kinds)
        {
            context.Invalid(entry.Value.Span, $"The value of '{entry.Name}' must be an object with 'application' and/or 'delegated' arrays; found {entry.Value.KindName}.");
            return new LocatedGrant(resource.Id, entry.Name, located, null, null);
        }

        var seenKinds = new HashSet<string>(StringComparer.Ordinal);
        JsonArray? applicationArray = null;
        foreach (var kind in kinds.Properties)
        {
            if (!seenKinds.Add(kind.Name))
            {
                context.Invalid(kind.NameSpan, $"'{kind.Name}' appears more than once under '{entry.Name}'.");
            }
            else if (Array.IndexOf(Kinds, kind.Name) < 0)
            {
                context.Invalid(kind.NameSpan, $"Unknown property '{kind.Name}' under '{entry.Name}'.{Suggest(kind.Name, Kinds)} Expected 'application' or 'delegated'.");
            }
            else if (kind.Value is not JsonArray items)
            {
                context.Invalid(kind.Value.Span, $"'{kind.Name}' must be an array of permission names; found {kind.Value.KindName}.");
            }
            else if (kind.Name == "delegated")
            {
                ReadItems(context, resource, items, delegated: true, delegated, located: null);
            }
            else
            {
                applicationArray = items;
                ReadItems(context, resource, items, delegated: false, application, located);
            }
        }

        return applicationArray is null
            ? new LocatedGrant(resource.Id, entry.Name, located, context.After(kinds), null)
            : new LocatedGrant(resource.Id, entry.Name, located, null, context.After(applicationArray));
    }

    private static void ReadItems(Context context, CatalogResource resource, JsonArray items, bool delegated, SortedSet<string> target, List<LocatedPermission>? located)
    {
        foreach (var item in items.Items)
        {
            if (item is not JsonString permission)
            {
                context.Invalid(item.Span, $"A permission must be a string; found {item.KindName}.");
                continue;
            }

            var known = CheckPermission(context, resource, permission, delegated);
            located?.Add(new LocatedPermission(permission.Value, permission.Span, known));
            if (known && !target.Add(permission.Value))
            {
                context.Invalid(permission.Span, $"'{permission.Value}' is listed twice.");
            }
        }
    }

    /// <returns>Whether the permission is valid and may be declared.</returns>
    private static bool CheckPermission(Context context, CatalogResource resource, JsonString permission, bool delegated)
    {
        var name = permission.Value;
        var kind = delegated ? "delegated" : "application";
        var other = delegated ? "application" : "delegated";
        if (resource.Permissions(delegated).Contains(name))
        {
            return true;
        }

        if (resource.Permissions(!delegated).Contains(name))
        {
            context.Unknown(permission.Span, $"'{name}' is {(delegated ? "an" : "a")} {other} permission of {resource.DisplayName}, not {(delegated ? "a" : "an")} {kind} one; list it under '{other}'.");
            return false;
        }

        var sameIgnoringCase = resource.Permissions(delegated).FirstOrDefault(p => string.Equals(p, name, StringComparison.OrdinalIgnoreCase));
        if (sameIgnoringCase is not null)
        {
            context.Unknown(permission.Span, $"Unknown {kind} permission '{name}': permission names are case-sensitive. Did you mean '{sameIgnoringCase}'?");
            return false;
        }

        var owner = ApiCatalog.Instance.Resources.FirstOrDefault(r => r.Id != resource.Id && r.Permissions(delegated).Contains(name));
        if (owner is not null)
        {
            context.Unknown(permission.Span, $"'{name}' is not a permission of {resource.DisplayName}; it belongs to {owner.DisplayName}. Move it under \"{owner.DisplayName}\".");
            return false;
        }

        context.Unknown(permission.Span, $"Unknown {kind} permission '{name}' for {resource.DisplayName}.{Suggest(name, resource.Permissions(delegated))}");
        return false;
    }

    /// <summary>" Did you mean 'x'?" for the closest candidate within a few edits, or nothing.</summary>
    private static string Suggest(string value, IEnumerable<string> candidates)
    {
        var best = candidates
            .Select(c => (Candidate: c, Distance: EditDistance.Compute(value, c)))
            .OrderBy(c => c.Distance)
            .ThenBy(c => c.Candidate, StringComparer.Ordinal)
            .FirstOrDefault();
        return best.Candidate is not null && best.Distance <= Math.Max(2, value.Length / 3) ? $" Did you mean '{best.Candidate}'?" : string.Empty;
    }

    /// <summary>What one read collects: the problems, and the located parts the analyzers and the fix use.</summary>
    private sealed class Context(string content)
    {
        private readonly List<ManifestProblem> _problems = new();

        public List<LocatedGrant> Resources { get; } = new();

        public ManifestInsertion? NewResource { get; set; }

        public void Invalid(TextSpan span, string message) => _problems.Add(new ManifestProblem(ManifestDiagnostics.InvalidManifest, span, message));

        public void Unknown(TextSpan span, string message) => _problems.Add(new ManifestProblem(ManifestDiagnostics.UnknownEntry, span, message));

        public ManifestDocument Document(SourceText text, ScopeManifestSpec? spec, string? salvagedNamespace = null) =>
            new(text, spec, _problems.ToArray(), salvagedNamespace, NewResource, Resources.ToArray());

        /// <summary>Where a new member of an object goes: after its last property, in the container's layout.</summary>
        public ManifestInsertion After(JsonObject target) => target.Properties.Count == 0
            ? new ManifestInsertion(target.Span.Start + 1, " ", " ")
            : AfterLast(target.Span, target.Properties[target.Properties.Count - 1].NameSpan.Start, target.Properties[target.Properties.Count - 1].Value.Span.End);

        /// <summary>Where a new item of an array goes: after its last item, in the container's layout.</summary>
        public ManifestInsertion After(JsonArray target) => target.Items.Count == 0
            ? new ManifestInsertion(target.Span.Start + 1, string.Empty, string.Empty)
            : AfterLast(target.Span, target.Items[target.Items.Count - 1].Span.Start, target.Items[target.Items.Count - 1].Span.End);

        // On a new line at the last member's indentation when the container spans lines; else ", " on the same line.
        private ManifestInsertion AfterLast(TextSpan container, int lastStart, int lastEnd) =>
            new(lastEnd, content.IndexOf('\n', container.Start, container.Length) >= 0 ? ",\n" + IndentOf(lastStart) : ", ", string.Empty);

        private string IndentOf(int position)
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
}
