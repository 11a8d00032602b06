using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Defender365.Toolkit.Analyzers.Json;

namespace Defender365.Toolkit.Analyzers.Catalog;

/// <summary>
/// The Defender API catalog as the generator and the analyzers see it, read once per process from the embedded copy of
/// <c>catalog/defender-api-catalog.json</c> (the same file the runtime and the emulator embed).
/// </summary>
/// <remarks>Constant for a given analyzer assembly, so it is never an input of the incremental pipeline.</remarks>
internal sealed class ApiCatalog
{
    private static readonly Lazy<ApiCatalog> LazyInstance = new(Load);

    private ApiCatalog(IReadOnlyList<CatalogResource> resources, IReadOnlyList<CatalogOperation> operations, IReadOnlyDictionary<string, CatalogEntity> entities, IReadOnlyDictionary<string, IReadOnlyList<string>> enums)
    {
        Resources = resources;
        Operations = operations;
        Entities = entities;
        Enums = enums;
    }

    public static ApiCatalog Instance => LazyInstance.Value;

    public IReadOnlyList<CatalogResource> Resources { get; }

    public IReadOnlyList<CatalogOperation> Operations { get; }

    public IReadOnlyDictionary<string, CatalogEntity> Entities { get; }

    public IReadOnlyDictionary<string, IReadOnlyList<string>> Enums { get; }

    public CatalogResource? FindResourceByDisplayName(string name) => Resources.FirstOrDefault(r => r.DisplayName == name);

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

        var resources = Array(root, "resources").Select(ReadResource).ToArray();
        var enums = Object(root, "enums").Properties.ToDictionary(p => p.Name, p => (IReadOnlyList<string>)Strings(p.Value));
        var entities = Object(root, "entities").Properties.ToDictionary(
            p => p.Name,
            p => new CatalogEntity(p.Name, Text((JsonObject)p.Value, "api") ?? string.Empty, Fields((JsonObject)p.Value, "fields")));
        var operations = Array(root, "operations").Select(o => ReadOperation((JsonObject)o)).ToArray();
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

    private static CatalogOperation ReadOperation(JsonObject o)
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
            (o["deprecated"] as JsonObject) is { } d ? Text(d, "replacement") ?? "deprecated" : null,
            Text(o, "duplicateOf"));
    }

    private static CatalogField[] Fields(JsonObject owner, string name) =>
        Array(owner, name).Cast<JsonObject>()
            .Select(f => new CatalogField(
                Text(f, "name")!,
                Text(f, "type")!,
                (f["required"] as JsonLiteral)?.Value == true,
                (f["nullable"] as JsonLiteral)?.Value == true,
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

internal sealed class CatalogResource
{
    public CatalogResource(string id, string displayName, IReadOnlyList<string> application, IReadOnlyList<string> delegated, IReadOnlyList<CatalogImplication> implications, IReadOnlyList<string> knownHosts)
    {
        Id = id;
        DisplayName = displayName;
        ApplicationPermissions = application;
        DelegatedPermissions = delegated;
        Implications = implications;
        KnownHosts = knownHosts;
    }

    public string Id { get; }

    public string DisplayName { get; }

    public IReadOnlyList<string> ApplicationPermissions { get; }

    public IReadOnlyList<string> DelegatedPermissions { get; }

    public IReadOnlyList<CatalogImplication> Implications { get; }

    public IReadOnlyList<string> KnownHosts { get; }

    public IReadOnlyList<string> Permissions(bool delegated) => delegated ? DelegatedPermissions : ApplicationPermissions;
}

internal sealed class CatalogImplication
{
    public CatalogImplication(bool delegated, string permission, string implies)
    {
        Delegated = delegated;
        Permission = permission;
        Implies = implies;
    }

    public bool Delegated { get; }

    public string Permission { get; }

    public string Implies { get; }
}

internal sealed class CatalogOperation
{
    public CatalogOperation(string id, string name, string group, string api, string area, string summary, string method, string path, string resource, IReadOnlyList<string> application, IReadOnlyList<string> delegated, IReadOnlyList<CatalogField> pathParameters, CatalogQuery? query, CatalogBody? body, string? responseEntity, string? responseItemType, bool isCollection, string paging, int successStatus, int? perMinute, int? perHour, string? docs, string? replacement, string? duplicateOf)
    {
        Id = id;
        Name = name;
        Group = group;
        Api = api;
        Area = area;
        Summary = summary;
        Method = method;
        Path = path;
        Resource = resource;
        ApplicationPermissions = application;
        DelegatedPermissions = delegated;
        PathParameters = pathParameters;
        Query = query;
        Body = body;
        ResponseEntity = responseEntity;
        ResponseItemType = responseItemType;
        IsCollection = isCollection;
        Paging = paging;
        SuccessStatus = successStatus;
        PerMinute = perMinute;
        PerHour = perHour;
        Docs = docs;
        Replacement = replacement;
        DuplicateOf = duplicateOf;
    }

    public string Id { get; }

    public string Name { get; }

    public string Group { get; }

    public string Api { get; }

    public string Area { get; }

    public string Summary { get; }

    public string Method { get; }

    public string Path { get; }

    public string Resource { get; }

    public IReadOnlyList<string> ApplicationPermissions { get; }

    public IReadOnlyList<string> DelegatedPermissions { get; }

    public IReadOnlyList<CatalogField> PathParameters { get; }

    public CatalogQuery? Query { get; }

    public CatalogBody? Body { get; }

    public string? ResponseEntity { get; }

    public string? ResponseItemType { get; }

    public bool IsCollection { get; }

    public string Paging { get; }

    public int SuccessStatus { get; }

    public int? PerMinute { get; }

    public int? PerHour { get; }

    public string? Docs { get; }

    public string? Replacement { get; }

    public string? DuplicateOf { get; }
}

internal sealed class CatalogField
{
    public CatalogField(string name, string type, bool required, bool nullable, string? description, IReadOnlyList<string> allowedValues)
    {
        Name = name;
        Type = type;
        Required = required;
        Nullable = nullable;
        Description = description;
        AllowedValues = allowedValues;
    }

    public string Name { get; }

    public string Type { get; }

    public bool Required { get; }

    public bool Nullable { get; }

    public string? Description { get; }

    public IReadOnlyList<string> AllowedValues { get; }
}

internal sealed class CatalogQuery
{
    public CatalogQuery(IReadOnlyList<string> filter, int? maxTop, bool skip, IReadOnlyList<string> expand, IReadOnlyList<CatalogField> parameters)
    {
        Filter = filter;
        MaxTop = maxTop;
        Skip = skip;
        Expand = expand;
        Parameters = parameters;
    }

    public IReadOnlyList<string> Filter { get; }

    public int? MaxTop { get; }

    public bool Skip { get; }

    public IReadOnlyList<string> Expand { get; }

    public IReadOnlyList<CatalogField> Parameters { get; }
}

internal sealed class CatalogBody
{
    public CatalogBody(string contentType, bool partialUpdate, IReadOnlyList<CatalogField> fields)
    {
        ContentType = contentType;
        PartialUpdate = partialUpdate;
        Fields = fields;
    }

    public string ContentType { get; }

    public bool PartialUpdate { get; }

    public IReadOnlyList<CatalogField> Fields { get; }
}

internal sealed class CatalogEntity
{
    public CatalogEntity(string name, string api, IReadOnlyList<CatalogField> fields)
    {
        Name = name;
        Api = api;
        Fields = fields;
    }

    public string Name { get; }

    public string Api { get; }

    public IReadOnlyList<CatalogField> Fields { get; }
}
