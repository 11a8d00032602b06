using System.Text.Json;

namespace Defender365.Toolkit.Catalog;

/// <summary>Turns the catalog JSON (format in <c>catalog/README.md</c>) into the catalog model.</summary>
internal static class CatalogReader
{
    public static DefenderCatalog Read(
        JsonElement root,
        Func<IReadOnlyList<DefenderResource>, IReadOnlyList<DefenderOperation>, IReadOnlyDictionary<string, DefenderEntity>, IReadOnlyDictionary<string, IReadOnlyList<string>>, DefenderCatalog> create)
    {
        var version = Required(root, "formatVersion", "catalog").GetInt32();
        if (version != 1)
        {
            throw new InvalidDataException($"Catalog format version {version} is not supported; this toolkit reads version 1.");
        }

        var endpoints = ReadClouds(Required(root, "clouds", "catalog"));
        var resources = Required(root, "resources", "catalog").EnumerateArray()
            .Select(r => ReadResource(r, endpoints))
            .ToArray();
        var resourcesById = resources.ToDictionary(r => r.Id, StringComparer.Ordinal);

        var enums = Required(root, "enums", "catalog").EnumerateObject()
            .ToDictionary(p => p.Name, p => (IReadOnlyList<string>)p.Value.EnumerateArray().Select(v => v.GetString()!).ToArray(), StringComparer.Ordinal);

        var entities = Required(root, "entities", "catalog").EnumerateObject()
            .ToDictionary(
                p => p.Name,
                p => new DefenderEntity(p.Name, Required(p.Value, "api", p.Name).GetString()!, ReadFields(p.Value, "fields", p.Name)),
                StringComparer.Ordinal);

        var apiLifecycles = root.TryGetProperty("apiLifecycles", out var shared)
            ? shared.EnumerateObject().ToDictionary(p => p.Name, p => ReadLifecycle(p.Value, p.Name), StringComparer.Ordinal)
            : [];
        var operations = Required(root, "operations", "catalog").EnumerateArray()
            .Select(o => ReadOperation(o, resourcesById, apiLifecycles))
            .ToArray();

        return create(resources, operations, entities, enums);
    }

    private static Dictionary<string, Dictionary<DefenderCloud, DefenderCloudEndpoint>> ReadClouds(JsonElement clouds)
    {
        var byResource = new Dictionary<string, Dictionary<DefenderCloud, DefenderCloudEndpoint>>(StringComparer.Ordinal);
        foreach (var cloud in clouds.EnumerateObject())
        {
            if (!Enum.TryParse<DefenderCloud>(cloud.Name, ignoreCase: false, out var cloudId))
            {
                throw new InvalidDataException($"Catalog cloud '{cloud.Name}' is not a {nameof(DefenderCloud)} value.");
            }

            var authority = new Uri(Required(cloud.Value, "authorityHost", cloud.Name).GetString()!);
            foreach (var resource in Required(cloud.Value, "resources", cloud.Name).EnumerateObject())
            {
                var where = $"{cloud.Name}.{resource.Name}";
                var endpoint = new DefenderCloudEndpoint(
                    new Uri(Required(resource.Value, "apiBaseUrl", where).GetString()!),
                    Required(resource.Value, "audience", where).GetString()!,
                    authority);
                if (!byResource.TryGetValue(resource.Name, out var perCloud))
                {
                    byResource[resource.Name] = perCloud = [];
                }

                perCloud[cloudId] = endpoint;
            }
        }

        return byResource;
    }

    private static DefenderResource ReadResource(JsonElement r, Dictionary<string, Dictionary<DefenderCloud, DefenderCloudEndpoint>> endpoints)
    {
        var id = Required(r, "id", "resource").GetString()!;
        var permissions = new List<DefenderPermission>();
        var perms = Required(r, "permissions", id);
        foreach (var (kindName, kind) in new[] { ("application", DefenderPermissionKind.Application), ("delegated", DefenderPermissionKind.Delegated) })
        {
            foreach (var p in Required(perms, kindName, id).EnumerateArray())
            {
                permissions.Add(new DefenderPermission(Required(p, "name", id).GetString()!, kind, Optional(p, "displayName")));
            }
        }

        var implications = Required(r, "implications", id).EnumerateArray()
            .Select(i => (Required(i, "permission", id).GetString()!, Required(i, "implies", id).GetString()!))
            .ToArray();
        var hosts = Required(r, "knownHosts", id).EnumerateArray().Select(h => h.GetString()!).ToArray();
        if (!endpoints.TryGetValue(id, out var perCloud))
        {
            throw new InvalidDataException($"Catalog resource '{id}' has no endpoints in 'clouds'.");
        }

        return new DefenderResource(id, Required(r, "displayName", id).GetString()!, Required(r, "appId", id).GetString()!, permissions, implications, hosts, perCloud);
    }

    private static DefenderOperation ReadOperation(JsonElement o, Dictionary<string, DefenderResource> resources, Dictionary<string, DefenderLifecycle> apiLifecycles)
    {
        var id = Required(o, "id", "operation").GetString()!;
        var resourceId = Required(o, "resource", id).GetString()!;
        if (!resources.TryGetValue(resourceId, out var resource))
        {
            throw new InvalidDataException($"Operation '{id}' names the unknown resource '{resourceId}'.");
        }

        var permissions = Required(o, "permissions", id);
        var response = Required(o, "response", id);
        var rateLimit = o.TryGetProperty("rateLimit", out var rl)
            ? new DefenderRateLimit(OptionalInt(rl, "perMinute"), OptionalInt(rl, "perHour"))
            {
                PerTenMinutes = OptionalInt(rl, "perTenMinutes"),
                MaxConcurrentRequests = OptionalInt(rl, "maxConcurrentRequests"),
                Family = Optional(rl, "family"),
            }
            : new DefenderRateLimit(null, null);

        DefenderBodyInfo? body = null;
        if (o.TryGetProperty("body", out var b))
        {
            // A file upload's documented cap (limits.maxFileSizeMB), enforced before anything is sent.
            long? maxFileBytes = o.TryGetProperty("limits", out var limits) && limits.TryGetProperty("maxFileSizeMB", out var megabytes) ? megabytes.GetInt64() * 1024 * 1024 : null;
            body = new DefenderBodyInfo(Required(b, "contentType", id).GetString()!, OptionalBool(b, "partialUpdate"), ReadFields(b, "fields", id), maxFileBytes);
        }

        var query = new DefenderQueryInfo([], null, false, [], []);
        if (o.TryGetProperty("query", out var q))
        {
            query = new DefenderQueryInfo(
                Strings(q, "filter"),
                OptionalInt(q, "maxTop"),
                OptionalBool(q, "skip"),
                Strings(q, "expand"),
                q.TryGetProperty("parameters", out _) ? ReadFields(q, "parameters", id) : []);
        }

        var paging = Required(o, "paging", id).GetString() switch
        {
            "none" => DefenderPagingStyle.None,
            "single" => DefenderPagingStyle.Single,
            "skip" => DefenderPagingStyle.Skip,
            "nextLink" => DefenderPagingStyle.NextLink,
            var other => throw new InvalidDataException($"Operation '{id}' has unknown paging '{other}'."),
        };

        return new DefenderOperation(
            id,
            Required(o, "name", id).GetString()!,
            Required(o, "group", id).GetString()!,
            Required(o, "api", id).GetString()!,
            Required(o, "area", id).GetString()!,
            Required(o, "summary", id).GetString()!,
            Required(o, "method", id).GetString()!.ToUpperInvariant(),
            Required(o, "path", id).GetString()!,
            resource,
            Strings(permissions, "application"),
            Strings(permissions, "delegated"),
            ReadFields(o, "pathParameters", id),
            query,
            body,
            new DefenderResponseInfo(Optional(response, "entity"), OptionalBool(response, "collection")),
            paging,
            Required(o, "successStatus", id).GetInt32(),
            rateLimit,
            Optional(o, "docs") is string docs ? new Uri(docs) : null,
            o.TryGetProperty("lifecycle", out var own) ? ReadLifecycle(own, id) : apiLifecycles.GetValueOrDefault(Required(o, "api", id).GetString()!),
            Optional(o, "duplicateOf"),
            o.TryGetProperty("changeTracking", out var tracking)
                ? new DefenderChangeTracking(Required(tracking, "changedAt", id).GetString()!, Required(tracking, "key", id).GetString()!)
                : null);
    }

    private static DefenderLifecycle ReadLifecycle(JsonElement l, string where)
    {
        var status = Required(l, "status", where).GetString() switch
        {
            "atRisk" => DefenderLifecycleStatus.AtRisk,
            "retiring" => DefenderLifecycleStatus.Retiring,
            "retired" => DefenderLifecycleStatus.Retired,
            var other => throw new InvalidDataException($"Catalog element '{where}' has the unknown lifecycle status '{other}'."),
        };
        DateOnly? date = Optional(l, "date") is { } text
            ? DateOnly.ParseExact(text, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)
            : null;
        var map = l.TryGetProperty("permissionMap", out var m)
            ? m.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal)
            : [];
        return new DefenderLifecycle(status, date, Optional(l, "replacement"), map, Optional(l, "announcement"), new Uri(Required(l, "source", where).GetString()!), Optional(l, "guidance"));
    }

    private static DefenderField[] ReadFields(JsonElement owner, string property, string where) =>
        Required(owner, property, where).EnumerateArray()
            .Select(f => new DefenderField(
                Required(f, "name", where).GetString()!,
                Required(f, "type", where).GetString()!,
                OptionalBool(f, "required"),
                OptionalBool(f, "nullable"),
                Optional(f, "description"),
                Strings(f, "allowedValues")))
            .ToArray();

    private static JsonElement Required(JsonElement element, string name, string where) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value
            : throw new InvalidDataException($"Catalog element '{where}' lacks the required property '{name}'.");

    private static string? Optional(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static int? OptionalInt(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt32() : null;

    private static bool OptionalBool(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    private static string[] Strings(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray().Select(v => v.GetString()!).ToArray()
            : [];
}
