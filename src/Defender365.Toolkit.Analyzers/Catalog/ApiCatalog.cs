using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Defender365.Toolkit.Analyzers.Json;
using Defender365.Toolkit.Shared;

namespace Defender365.Toolkit.Analyzers.Catalog;

/// <summary>
/// The Defender API catalog as the generator and the analyzers see it, read once per process from the embedded copy of
/// <c>catalog/defender-api-catalog.json</c> (the same file the runtime and the emulator embed).
/// </summary>
/// <remarks>Constant for a given analyzer assembly, so it is never an input of the incremental pipeline.</remarks>
internal sealed class ApiCatalog
{
    private static readonly Lazy<ApiCatalog> LazyInstance = new(Load);
    private readonly Dictionary<string, CatalogOperation> _operationsById;

    private ApiCatalog(IReadOnlyList<CatalogResource> resources, IReadOnlyList<CatalogOperation> operations, IReadOnlyDictionary<string, CatalogEntity> entities, IReadOnlyDictionary<string, IReadOnlyList<string>> enums)
    {
        Resources = resources;
        Operations = operations;
        Entities = entities;
        Enums = enums;
        _operationsById = operations.ToDictionary(o => o.Id, StringComparer.Ordinal);
    }

    public static ApiCatalog Instance => LazyInstance.Value;

    public IReadOnlyList<CatalogResource> Resources { get; }

    public IReadOnlyList<CatalogOperation> Operations { get; }

    public IReadOnlyDictionary<string, CatalogEntity> Entities { get; }

    public IReadOnlyDictionary<string, IReadOnlyList<string>> Enums { get; }

    public CatalogResource? FindResourceByDisplayName(string name) => Resources.FirstOrDefault(r => r.DisplayName == name);

    /// <summary>The operation with this catalog id, or null.</summary>
    public CatalogOperation? FindOperation(string id) => _operationsById.TryGetValue(id, out var operation) ? operation : null;

    public CatalogResource GetResource(string id) => Resources.First(r => r.Id == id);

    private static ApiCatalog Load()
    {
        using var stream = typeof(ApiCatalog).Assembly.GetManifestResourceStream("Defender365.Toolkit.Analyzers.defender-api-catalog.json")
            ?? throw new InvalidOperationException("The embedded API catalog is missing from the analyzer assembly.");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd());
    }

    /// <summary>Reads catalog JSON; a defect is a bug of the shipped file, so it throws (the catalog tests catch it first).</summary>
    internal static ApiCatalog Parse(string json)
    {
        var result = JsonReader.Read(json);
        var root = result.Root as JsonObject ?? throw new InvalidDataException("Catalog: " + result.Error);
        if ((root["formatVersion"] as JsonNumber)?.AsInt32() is not 1)
        {
            throw new InvalidDataException("Catalog: formatVersion must be 1, the version this analyzer reads.");
        }

        var resources = Array(root, "resources").Select(ReadResource).ToArray();
        var enums = Object(root, "enums").Properties.ToDictionary(p => p.Name, p => (IReadOnlyList<string>)Strings(p.Value));
        var entities = Object(root, "entities").Properties.ToDictionary(p => p.Name, p => ReadEntity(p.Name, (JsonObject)p.Value));
        var apiLifecycles = (root["apiLifecycles"] as JsonObject)?.Properties.ToDictionary(p => p.Name, p => ReadLifecycle((JsonObject)p.Value))
            ?? new Dictionary<string, CatalogLifecycle>();
        var operations = Array(root, "operations").Select(o => ReadOperation((JsonObject)o, apiLifecycles)).ToArray();
        return new ApiCatalog(resources, operations, entities, enums);
    }

    private static CatalogResource ReadResource(JsonNode node)
    {
        var r = (JsonObject)node;
        var permissions = Object(r, "permissions");
        var implications = Array(r, "implications").Cast<JsonObject>()
            .Select(i => new CatalogImplication(Text(i, "type") == "delegated", Text(i, "permission")!, Text(i, "implies")!))
            .ToArray();
        return new CatalogResource(
            Text(r, "id")!,
            Text(r, "displayName")!,
            Array(permissions, "application").Cast<JsonObject>().Select(p => Text(p, "name")!).ToArray(),
            Array(permissions, "delegated").Cast<JsonObject>().Select(p => Text(p, "name")!).ToArray(),
            implications,
            Strings(r["knownHosts"]));
    }

    private static CatalogOperation ReadOperation(JsonObject o, IReadOnlyDictionary<string, CatalogLifecycle> apiLifecycles)
    {
        var permissions = Object(o, "permissions");
        var response = Object(o, "response");
        var query = o["query"] as JsonObject;
        var body = o["body"] as JsonObject;
        var rate = o["rateLimit"] as JsonObject;
        return new CatalogOperation(
            Text(o, "id")!,
            Text(o, "name")!,
            Text(o, "group")!,
            Text(o, "api")!,
            Text(o, "area")!,
            Text(o, "summary")!,
            Text(o, "method")!,
            Text(o, "path")!,
            Text(o, "resource")!,
            Strings(permissions["application"]),
            Strings(permissions["delegated"]),
            Fields(o, "pathParameters"),
            query is null ? null : new CatalogQuery(Strings(query["filter"]), (query["maxTop"] as JsonNumber)?.AsInt32(), (query["skip"] as JsonLiteral)?.Value == true, Strings(query["expand"]), query["parameters"] is null ? System.Array.Empty<CatalogField>() : Fields(query, "parameters")),
            body is null ? null : new CatalogBody(Text(body, "contentType") ?? "application/json", (body["partialUpdate"] as JsonLiteral)?.Value == true, Fields(body, "fields")),
            Text(response, "entity"),
            Text(response, "itemType"),
            (response["collection"] as JsonLiteral)?.Value == true,
            Text(o, "paging")!,
            (o["successStatus"] as JsonNumber)?.AsInt32() ?? 200,
            (rate?["perMinute"] as JsonNumber)?.AsInt32(),
            (rate?["perHour"] as JsonNumber)?.AsInt32(),
            Text(o, "docs"),
            (o["lifecycle"] as JsonObject) is { } own ? ReadLifecycle(own) : apiLifecycles.TryGetValue(Text(o, "api")!, out var shared) ? shared : null,
            Text(o, "duplicateOf"),
            (o["changeTracking"] as JsonObject) is { } tracking ? Text(tracking, "changedAt") : null);
    }

    private static CatalogEntity ReadEntity(string name, JsonObject e)
    {
        var family = e["polymorphic"] is JsonObject p
            ? new CatalogPolymorphism(
                Text(p, "discriminator") ?? "@odata.type",
                Text(p, "unknownType") ?? throw new InvalidDataException($"Catalog: the polymorphic entity '{name}' needs an 'unknownType'."),
                Object(p, "types").Properties.Select(t => new KeyValuePair<string, string>(t.Name, ((JsonString)t.Value).Value)).ToArray())
            : null;
        return new CatalogEntity(name, Text(e, "api") ?? string.Empty, Text(e, "description"), Fields(e, "fields"), Text(e, "baseType"), family, (e["keepsRaw"] as JsonLiteral)?.Value == true);
    }

    private static CatalogLifecycle ReadLifecycle(JsonObject l) => new(
        Text(l, "status") switch
        {
            "retiring" => LifecycleStatus.Retiring,
            "retired" => LifecycleStatus.Retired,
            "atRisk" => LifecycleStatus.AtRisk,
            var other => throw new InvalidDataException($"Catalog: unknown lifecycle status '{other}'."),
        },
        Text(l, "date"),
        Text(l, "replacement"),
        (l["permissionMap"] as JsonObject)?.Properties.Select(p => new KeyValuePair<string, string>(p.Name, ((JsonString)p.Value).Value)).ToArray()
            ?? System.Array.Empty<KeyValuePair<string, string>>(),
        Text(l, "announcement"),
        Text(l, "source") ?? throw new InvalidDataException("Catalog: a lifecycle needs its 'source'."),
        Text(l, "guidance"));

    private static CatalogField[] Fields(JsonObject owner, string name) =>
        Array(owner, name).Cast<JsonObject>()
            .Select(f => new CatalogField(
                Text(f, "name")!,
                Text(f, "type")!,
                (f["required"] as JsonLiteral)?.Value == true,
                (f["nullable"] as JsonLiteral)?.Value == true,
                (f["alwaysSent"] as JsonLiteral)?.Value == true,
                Text(f, "description"),
                Strings(f["allowedValues"])))
            .ToArray();

    private static JsonObject Object(JsonObject owner, string name) =>
        owner[name] as JsonObject ?? throw new InvalidDataException($"Catalog: '{name}' must be an object.");

    private static IReadOnlyList<JsonNode> Array(JsonObject owner, string name) =>
        (owner[name] as JsonArray)?.Items ?? throw new InvalidDataException($"Catalog: '{name}' must be an array.");

    private static string? Text(JsonObject owner, string name) => (owner[name] as JsonString)?.Value;

    private static string[] Strings(JsonNode? node) =>
        node is JsonArray array ? array.Items.OfType<JsonString>().Select(s => s.Value).ToArray() : System.Array.Empty<string>();
}

/// <summary>An API resource: permissions by kind, and which permission implies which.</summary>
internal sealed record CatalogResource(string Id, string DisplayName, IReadOnlyList<string> ApplicationPermissions, IReadOnlyList<string> DelegatedPermissions, IReadOnlyList<CatalogImplication> Implications, IReadOnlyList<string> KnownHosts)
{
    public IReadOnlyList<string> Permissions(bool delegated) => delegated ? DelegatedPermissions : ApplicationPermissions;

    /// <summary>
    /// The declared permission that allows an any-of requirement with the least access (a declared ReadWrite covers a
    /// required Read), or <see langword="null"/> when none does: <see cref="PermissionRules"/>, the rule the runtime
    /// applies to tokens, over this resource's implications of the given kind.
    /// </summary>
    public string? LeastPrivilegedSatisfier(IReadOnlyList<string> anyOf, IReadOnlyList<string> declared, bool delegated) =>
        PermissionRules.LeastPrivilegedSatisfier(anyOf, declared, required => Implications.Where(i => i.Delegated == delegated && i.Implies == required).Select(i => i.Permission));
}

/// <summary><paramref name="Permission"/> covers <paramref name="Implies"/> (ReadWrite covers Read).</summary>
internal sealed record CatalogImplication(bool Delegated, string Permission, string Implies);

/// <summary>One operation, as the generator and the analyzers need it.</summary>
internal sealed record CatalogOperation(
    string Id,
    string Name,
    string Group,
    string Api,
    string Area,
    string Summary,
    string Method,
    string Path,
    string Resource,
    IReadOnlyList<string> ApplicationPermissions,
    IReadOnlyList<string> DelegatedPermissions,
    IReadOnlyList<CatalogField> PathParameters,
    CatalogQuery? Query,
    CatalogBody? Body,
    string? ResponseEntity,
    string? ResponseItemType,
    bool IsCollection,
    string Paging,
    int SuccessStatus,
    int? PerMinute,
    int? PerHour,
    string? Docs,
    CatalogLifecycle? Lifecycle,
    string? DuplicateOf,
    string? ChangedAtField = null)
{
    /// <summary>A Microsoft Graph beta operation: generated only when the manifest opts in (<c>"graphBeta": true</c>), since beta APIs change without notice.</summary>
    public bool IsBeta => Path.StartsWith("/beta/", StringComparison.Ordinal);
}

/// <summary>Where an operation stands in Microsoft's retirement plans; <see cref="ApiCatalog"/> resolves an API's shared entry.</summary>
/// <param name="Status">Retiring (dated), retired (dated) or at risk (no date).</param>
/// <param name="Date">The day it stops (or stopped) working, <c>yyyy-MM-dd</c>; null while at risk.</param>
/// <param name="Replacement">The id of the catalog operation that replaces it, if any.</param>
/// <param name="PermissionMap">Each permission of this operation → the one the replacement needs, on the replacement's resource.</param>
/// <param name="Announcement">The Message Center notice, such as <c>MC1220762</c>.</param>
/// <param name="Source">The page that states it.</param>
/// <param name="Guidance">What changes for the caller, in a sentence.</param>
internal sealed record CatalogLifecycle(LifecycleStatus Status, string? Date, string? Replacement, IReadOnlyList<KeyValuePair<string, string>> PermissionMap, string? Announcement, string Source, string? Guidance)
{
    /// <summary>The permission the replacement needs in place of <paramref name="permission"/>, or null.</summary>
    public string? MapPermission(string permission) => PermissionMap.FirstOrDefault(p => p.Key == permission).Value;
}

/// <summary>A catalog lifecycle status.</summary>
internal enum LifecycleStatus
{
    AtRisk,
    Retiring,
    Retired,
}

/// <summary>A parameter, body field or entity field.</summary>
internal sealed record CatalogField(string Name, string Type, bool Required, bool Nullable, bool AlwaysSent, string? Description, IReadOnlyList<string> AllowedValues);

/// <summary>The OData options and extra query parameters of an operation.</summary>
internal sealed record CatalogQuery(IReadOnlyList<string> Filter, int? MaxTop, bool Skip, IReadOnlyList<string> Expand, IReadOnlyList<CatalogField> Parameters);

/// <summary>A request body.</summary>
internal sealed record CatalogBody(string ContentType, bool PartialUpdate, IReadOnlyList<CatalogField> Fields);

/// <summary>An entity and its fields.</summary>
/// <param name="Name">The entity's name.</param>
/// <param name="Api">The API it belongs to.</param>
/// <param name="Description">What it is.</param>
/// <param name="Fields">Its own fields (a derived entity also has its base's).</param>
/// <param name="BaseType">For a member of a polymorphic family, the family's base entity.</param>
/// <param name="Polymorphism">For the base of a family, how a member is told apart.</param>
/// <param name="KeepsRaw">The family's member for kinds not described: it keeps the whole object as raw JSON.</param>
internal sealed record CatalogEntity(string Name, string Api, string? Description, IReadOnlyList<CatalogField> Fields, string? BaseType = null, CatalogPolymorphism? Polymorphism = null, bool KeepsRaw = false);

/// <summary>How the members of a polymorphic family (Graph alert evidence) are told apart on the wire.</summary>
/// <param name="Discriminator">The wire property that names the kind (<c>@odata.type</c>).</param>
/// <param name="UnknownType">The member for kinds not described, or not readable.</param>
/// <param name="Types">Each discriminator value → its entity.</param>
internal sealed record CatalogPolymorphism(string Discriminator, string UnknownType, IReadOnlyList<KeyValuePair<string, string>> Types);
