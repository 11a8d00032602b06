using System.Text.Json.Nodes;
using Defender365.Toolkit.Emulator.Data;

namespace Defender365.Toolkit.Emulator.Api;

/// <summary>How the Defender update operations (PATCH incident, PATCH alert) change an entity: partial, with comments appended.</summary>
internal static class EntityUpdates
{
    private static readonly string[] TriageFields = ["status", "assignedTo", "classification", "determination"];

    /// <summary>Copies the triage fields present in the body, appends its <c>comment</c>, stamps the update time.</summary>
    public static void Apply(ApiRequest r, JsonObject entity, string updateTimeField)
    {
        foreach (var field in TriageFields)
        {
            if (r.Body is not null && r.Body.TryGetPropertyValue(field, out var value))
            {
                entity[field] = value?.DeepClone();
            }
        }

        if (r.BodyString("comment") is { } comment)
        {
            ((JsonArray)entity["comments"]!).Add(new JsonObject
            {
                ["comment"] = comment,
                ["createdBy"] = r.AppId,
                ["createdTime"] = DataSeeder.Iso(r.Now),
            });
        }

        entity[updateTimeField] = DataSeeder.Iso(r.Now);
    }
}
