using System.Globalization;
using System.Text.Json.Nodes;
using Defender365.Toolkit.Emulator.Data;

namespace Defender365.Toolkit.Emulator.Api;

/// <summary>
/// Microsoft Graph security incidents and alerts (v2), projected from the same tenant data as the Defender APIs:
/// camelCase enum values, string ids, <c>@odata.nextLink</c> paging with <c>$top</c> at most 50. Updates and comments
/// made through Graph are seen through the Defender APIs and the other way round, as in the service.
/// </summary>
internal static class GraphHandlers
{
    public static void Register(IDictionary<string, Func<ApiRequest, IResult>> handlers)
    {
        handlers["GraphSecurity.ListIncidents"] = r =>
        {
            lock (r.Data.Gate)
            {
                return r.List(r.Data.Listed(r.Data.Incidents, r.Now).Select(i => Incident(r, i)).ToList(), "security/incidents");
            }
        };
        handlers["GraphSecurity.GetIncident"] = r =>
        {
            lock (r.Data.Gate)
            {
                return FindIncident(r) is { } incident ? r.Ok(Incident(r, incident)) : r.NotFound("Incident", r.PathValue("incidentId"));
            }
        };
        handlers["GraphSecurity.UpdateIncident"] = r =>
        {
            lock (r.Data.Gate)
            {
                if (FindIncident(r) is not { } incident)
                {
                    return r.NotFound("Incident", r.PathValue("incidentId"));
                }

                if (r.BodyString("status") is { } status)
                {
                    incident["status"] = Pascal(status);
                }

                if (r.Body?.ContainsKey("assignedTo") == true)
                {
                    incident["assignedTo"] = r.Body["assignedTo"]?.DeepClone();
                }

                if (r.BodyString("classification") is { } classification)
                {
                    incident["classification"] = Pascal(classification);
                }

                if (r.Body?["customTags"] is JsonArray tags)
                {
                    incident["tags"] = tags.DeepClone();
                }

                incident["lastUpdateTime"] = DataSeeder.Iso(r.Now);
                return r.Ok(Incident(r, incident));
            }
        };
        handlers["GraphSecurity.CreateIncidentComment"] = r =>
        {
            lock (r.Data.Gate)
            {
                return FindIncident(r) is { } incident
                    ? AddComment(r, incident, "security/incidents/comments")
                    : r.NotFound("Incident", r.PathValue("incidentId"));
            }
        };
        handlers["GraphSecurity.ListAlertsV2"] = r =>
        {
            lock (r.Data.Gate)
            {
                return r.List(r.Data.Listed(r.Data.Alerts, r.Now).Select(a => Alert(r, a)).ToList(), "security/alerts_v2");
            }
        };
        handlers["GraphSecurity.GetAlertV2"] = r =>
        {
            lock (r.Data.Gate)
            {
                return FindAlert(r) is { } alert ? r.Ok(Alert(r, alert)) : r.NotFound("Alert", r.PathValue("alertId"));
            }
        };
        handlers["GraphSecurity.UpdateAlertV2"] = r =>
        {
            lock (r.Data.Gate)
            {
                if (FindAlert(r) is not { } alert)
                {
                    return r.NotFound("Alert", r.PathValue("alertId"));
                }

                foreach (var field in (string[])["status", "classification", "determination"])
                {
                    if (r.BodyString(field) is { } value)
                    {
                        alert[field] = Pascal(value);
                    }
                }

                if (r.Body?.ContainsKey("assignedTo") == true)
                {
                    alert["assignedTo"] = r.Body["assignedTo"]?.DeepClone();
                }

                alert["lastUpdateTime"] = DataSeeder.Iso(r.Now);
                return r.Ok(Alert(r, alert));
            }
        };
        handlers["GraphSecurity.CreateAlertComment"] = r =>
        {
            lock (r.Data.Gate)
            {
                return FindAlert(r) is { } alert ? AddComment(r, alert, "security/alerts_v2/comments") : r.NotFound("Alert", r.PathValue("alertId"));
            }
        };
    }

    private static JsonObject? FindAlert(ApiRequest r) => r.Data.Alerts.FirstOrDefault(a => a["id"]!.GetValue<string>() == r.PathValue("alertId"));

    // Graph answers a new comment with all the entity's comments; they are stored as the Defender APIs keep them.
    private static IResult AddComment(ApiRequest r, JsonObject entity, string entitySet)
    {
        if (string.IsNullOrWhiteSpace(r.BodyString("comment")))
        {
            return r.BadRequest("The 'comment' property is required.");
        }

        var comments = (JsonArray)entity["comments"]!;
        comments.Add(new JsonObject { ["comment"] = r.BodyString("comment"), ["createdBy"] = r.AppId, ["createdTime"] = DataSeeder.Iso(r.Now) });
        entity["lastUpdateTime"] = DataSeeder.Iso(r.Now);
        return r.Values(Comments(r, entity), entitySet);
    }

    private static JsonArray Comments(ApiRequest r, JsonObject entity) => new(((JsonArray)entity["comments"]!)
        .OfType<JsonObject>()
        .Select(c => (JsonNode)new JsonObject
        {
            ["comment"] = c["comment"]?.DeepClone(),
            ["createdByDisplayName"] = DisplayName(r, c["createdBy"]?.GetValue<string>()),
            ["createdDateTime"] = c["createdTime"]?.DeepClone(),
        })
        .ToArray());

    // Graph shows who wrote a comment by name: the app's display name when an app did, else the sign-in name stored.
    private static string? DisplayName(ApiRequest r, string? createdBy) =>
        r.State.Options.Apps.FirstOrDefault(a => string.Equals(a.ClientId, createdBy, StringComparison.OrdinalIgnoreCase))?.DisplayName ?? createdBy;

    private static JsonObject? FindIncident(ApiRequest r) =>
        long.TryParse(r.PathValue("incidentId"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var id)
            ? r.Data.Incidents.FirstOrDefault(i => i["incidentId"]!.GetValue<long>() == id)
            : null;

    private static JsonObject Incident(ApiRequest r, JsonObject i)
    {
        var id = i["incidentId"]!.GetValue<long>().ToString(CultureInfo.InvariantCulture);
        return new JsonObject
        {
            ["id"] = id,
            ["tenantId"] = r.TenantId,
            ["displayName"] = i["incidentName"]!.DeepClone(),
            ["createdDateTime"] = i["createdTime"]!.DeepClone(),
            ["lastUpdateDateTime"] = i["lastUpdateTime"]!.DeepClone(),
            ["assignedTo"] = i["assignedTo"]?.DeepClone(),
            ["classification"] = Camel(i["classification"]?.GetValue<string>()),
            ["determination"] = Camel(i["determination"]?.GetValue<string>()),
            ["status"] = Camel(i["status"]?.GetValue<string>()),
            ["severity"] = Camel(i["severity"]?.GetValue<string>()),
            ["customTags"] = i["tags"]!.DeepClone(),
            ["comments"] = Comments(r, i),
            ["systemTags"] = new JsonArray(),
            ["description"] = null,
            ["redirectIncidentId"] = null,
            ["incidentWebUrl"] = $"https://security.microsoft.com/incidents/{id}?tid={r.TenantId}",
        };
    }

    private static JsonObject Alert(ApiRequest r, JsonObject a) => new()
    {
        ["id"] = a["id"]!.DeepClone(),
        ["providerAlertId"] = a["id"]!.DeepClone(),
        ["incidentId"] = a["incidentId"]?.GetValue<long>().ToString(CultureInfo.InvariantCulture),
        ["status"] = Camel(a["status"]?.GetValue<string>()),
        ["severity"] = Camel(a["severity"]?.GetValue<string>()),
        ["classification"] = Camel(a["classification"]?.GetValue<string>()),
        ["determination"] = Camel(a["determination"]?.GetValue<string>()),
        ["serviceSource"] = "microsoftDefenderForEndpoint",
        ["detectionSource"] = "antivirus",
        ["tenantId"] = r.TenantId,
        ["title"] = a["title"]!.DeepClone(),
        ["description"] = a["description"]!.DeepClone(),
        ["category"] = a["category"]!.DeepClone(),
        ["createdDateTime"] = a["alertCreationTime"]!.DeepClone(),
        ["lastUpdateDateTime"] = a["lastUpdateTime"]!.DeepClone(),
        ["mitreTechniques"] = a["mitreTechniques"]!.DeepClone(),
        ["assignedTo"] = a["assignedTo"]?.DeepClone(),
        ["comments"] = Comments(r, a),
        ["evidence"] = Evidence(a),
        ["systemTags"] = new JsonArray(),
    };

    // Evidence as Graph sends it: one object per entity, each with its @odata.type first or not (the service does not
    // promise an order), and a kind newer than the toolkit's models (clients must keep it, not fail the page).
    private static JsonArray Evidence(JsonObject a) => new(
        new JsonObject
        {
            ["@odata.type"] = "#microsoft.graph.security.deviceEvidence",
            ["createdDateTime"] = a["alertCreationTime"]!.DeepClone(),
            ["verdict"] = "suspicious",
            ["remediationStatus"] = "none",
            ["roles"] = new JsonArray(),
            ["tags"] = new JsonArray(),
            ["mdeDeviceId"] = a["machineId"]?.DeepClone(),
            ["deviceDnsName"] = a["computerDnsName"]?.DeepClone(),
            ["osPlatform"] = "Windows11",
            ["rbacGroupName"] = a["rbacGroupName"]?.DeepClone(),
        },
        new JsonObject
        {
            ["verdict"] = "suspicious",
            ["userAccount"] = new JsonObject
            {
                ["accountName"] = a["relatedUser"]?["userName"]?.DeepClone(),
                ["domainName"] = a["relatedUser"]?["domainName"]?.DeepClone(),
            },
            ["@odata.type"] = "#microsoft.graph.security.userEvidence",
        },
        new JsonObject
        {
            ["@odata.type"] = "#microsoft.graph.security.kubernetesPodEvidence",
            ["verdict"] = "unknown",
            ["name"] = "payments-7d9f",
            ["namespace"] = new JsonObject { ["name"] = "prod" },
        });

    private static string? Camel(string? value) => string.IsNullOrEmpty(value) ? value : char.ToLowerInvariant(value[0]) + value[1..];

    private static string Pascal(string value) => string.IsNullOrEmpty(value) ? value : char.ToUpperInvariant(value[0]) + value[1..];
}
