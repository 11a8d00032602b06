using System.Text.Json.Nodes;
using Defender365.Toolkit.Catalog;

namespace Defender365.Toolkit.Emulator.Api;

/// <summary>
/// Graph is an OData service: a body property its type does not define is refused with 400, not ignored. That is how a
/// custom detection rule written for beta (<c>schedule.period</c>, <c>responseActions</c>) fails on v1.0, and the
/// emulator refuses it the same way, checking the body against the operation's catalog fields, nested entities included.
/// </summary>
internal static class GraphBodyShape
{
    /// <summary>The first property the body has and its type does not define, as a dotted path with its type, or null.</summary>
    public static (string Path, string Type)? FindUndefined(DefenderBodyInfo shape, JsonObject body) => FindUndefined(shape.Fields, body, "request body", prefix: "");

    private static (string Path, string Type)? FindUndefined(IReadOnlyList<DefenderField> fields, JsonObject value, string typeName, string prefix)
    {
        foreach (var (name, node) in value)
        {
            // OData annotations (@odata.type, …) are allowed on any object.
            if (name.StartsWith('@'))
            {
                continue;
            }

            var field = fields.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.Ordinal));
            if (field is null)
            {
                return (prefix + name, typeName);
            }

            if (Entity(field.Type) is { } entityName
                && DefenderCatalog.Default.Entities.TryGetValue(entityName, out var entity)
                && FindUndefinedIn(entity, node, prefix + name + ".") is { } inner)
            {
                return inner;
            }
        }

        return null;
    }

    private static (string Path, string Type)? FindUndefinedIn(DefenderEntity entity, JsonNode? node, string prefix) => node switch
    {
        JsonObject item => FindUndefined(entity.Fields, item, entity.Name, prefix),
        JsonArray items => items.Select((item, i) => FindUndefinedIn(entity, item, $"{prefix[..^1]}[{i}].")).FirstOrDefault(found => found is not null),
        _ => null,
    };

    // "entity:X" and "array<entity:X>" name an entity whose fields are known; "json" and scalars are not checked.
    private static string? Entity(string type)
    {
        var inner = type.StartsWith("array<", StringComparison.Ordinal) ? type[6..^1] : type;
        return inner.StartsWith("entity:", StringComparison.Ordinal) ? inner[7..] : null;
    }
}
