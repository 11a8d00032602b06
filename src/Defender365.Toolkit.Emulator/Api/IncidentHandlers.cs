using System.Globalization;
using System.Text.Json.Nodes;

namespace Defender365.Toolkit.Emulator.Api;

/// <summary>Defender XDR incidents: list with OData, get, update (status, assignment, classification, tags, comments).</summary>
internal static class IncidentHandlers
{
    public static void Register(IDictionary<string, Func<ApiRequest, IResult>> handlers)
    {
        handlers["ListIncidents"] = r =>
        {
            lock (r.Data.Gate)
            {
                return r.List(r.Data.Listed(r.Data.Incidents, r.Now), "Incidents");
            }
        };
        handlers["GetIncident"] = r =>
        {
            lock (r.Data.Gate)
            {
                return Find(r) is { } incident ? r.Ok(incident.DeepClone()) : NotFound(r);
            }
        };
        handlers["UpdateIncident"] = r =>
        {
            lock (r.Data.Gate)
            {
                if (Find(r) is not { } incident)
                {
                    return NotFound(r);
                }

                if (r.Body?["tags"] is JsonArray tags)
                {
                    incident["tags"] = tags.DeepClone();
                }

                EntityUpdates.Apply(r, incident, "lastUpdateTime");
                return r.Ok(incident.DeepClone());
            }
        };
    }

    private static JsonObject? Find(ApiRequest r) =>
        long.TryParse(r.PathValue("id"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var id)
            ? r.Data.Incidents.FirstOrDefault(i => i["incidentId"]!.GetValue<long>() == id)
            : null;

    private static IResult NotFound(ApiRequest r) => r.Error(404, "ResourceNotFound", $"Incident {r.PathValue("id")} was not found.");
}
