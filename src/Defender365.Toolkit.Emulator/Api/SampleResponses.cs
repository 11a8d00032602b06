using System.Text.Json.Nodes;
using Defender365.Toolkit.Catalog;
using Defender365.Toolkit.Emulator.Data;

namespace Defender365.Toolkit.Emulator.Api;

/// <summary>
/// The answer for catalog operations without their own handler: a response shaped by the operation's catalog entity
/// (every field present with a plausible value of its type, the first documented enum value), so every operation of the
/// catalog can be called, authorized and deserialized against the emulator.
/// </summary>
internal static class SampleResponses
{
    public static IResult Handle(ApiRequest r)
    {
        var response = r.Operation.Response;
        if (response.Entity is null)
        {
            return response.IsCollection
                ? r.Ok(new JsonObject { ["@odata.context"] = r.Context(r.Operation.Area), ["value"] = new JsonArray() })
                : r.Operation.SuccessStatus == 204 ? r.NoContent() : r.Ok(new JsonObject());
        }

        if (response.IsCollection)
        {
            var items = Enumerable.Range(0, 3).Select(i => (JsonNode)Entity(response.Entity, r, i, depth: 0)).ToArray();
            return r.Ok(new JsonObject { ["@odata.context"] = r.Context(response.Entity), ["value"] = new JsonArray(items) });
        }

        return r.Ok(Entity(response.Entity, r, 0, depth: 0));
    }

    private static JsonObject Entity(string name, ApiRequest r, int index, int depth)
    {
        var result = new JsonObject();
        if (!DefenderCatalog.Default.Entities.TryGetValue(name, out var entity))
        {
            return result;
        }

        foreach (var field in entity.Fields)
        {
            result[field.Name] = Value(field.Type, field, r, index, depth);
        }

        return result;
    }

    private static JsonNode? Value(string type, DefenderField field, ApiRequest r, int index, int depth)
    {
        if (type.StartsWith("array<", StringComparison.Ordinal))
        {
            var inner = type[6..^1];
            // Nested collections stay empty beyond the first level: enough to exercise the shape, no recursion blow-up.
            return depth > 0 ? new JsonArray() : new JsonArray(Value(inner, field, r, index, depth + 1));
        }

        if (type.StartsWith("entity:", StringComparison.Ordinal))
        {
            return depth > 1 ? null : Entity(type[7..], r, index, depth + 1);
        }

        if (type.StartsWith("enum:", StringComparison.Ordinal))
        {
            return DefenderCatalog.Default.Enums.TryGetValue(type[5..], out var values) && values.Count > 0 ? values[0] : null;
        }

        return type switch
        {
            "string" when field.AllowedValues.Count > 0 => field.AllowedValues[0],
            "string" when field.Name.EndsWith("id", StringComparison.OrdinalIgnoreCase) => $"{field.Name}-{index + 1}",
            "string" => $"{field.Name} {index + 1}",
            "int32" or "int64" => index + 1,
            "double" => 0.5 + index,
            "bool" => index % 2 == 0,
            "datetime" => DataSeeder.Iso(r.Now.AddHours(-index)),
            "guid" => new Guid(index + 1, 0, 0, new byte[8]).ToString(),
            "map<json>" => new JsonObject(),
            _ => null,
        };
    }
}
