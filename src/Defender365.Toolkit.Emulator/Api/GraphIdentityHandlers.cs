using System.Text.Json.Nodes;
using Defender365.Toolkit.Emulator.Data;

namespace Defender365.Toolkit.Emulator.Api;

/// <summary>
/// Defender for Identity through Graph (<c>/security/identities</c>): the tenant's health issues (status open, closed or
/// suppressed) and sensors (settings), with each sensor's count of open issues kept true to the issues.
/// </summary>
internal static class GraphIdentityHandlers
{
    private static readonly string[] IssueStatuses = ["open", "closed", "suppressed"];

    public static void Register(IDictionary<string, Func<ApiRequest, IResult>> handlers)
    {
        handlers["GraphSecurity.ListHealthIssues"] = r =>
        {
            lock (r.Data.Gate)
            {
                return r.List(r.Data.IdentityHealthIssues, "security/identities/healthIssues");
            }
        };
        handlers["GraphSecurity.GetHealthIssue"] = r =>
        {
            lock (r.Data.Gate)
            {
                return FindIssue(r) is { } issue ? r.Ok(issue.DeepClone()) : IssueNotFound(r);
            }
        };
        handlers["GraphSecurity.UpdateHealthIssue"] = r =>
        {
            var status = r.BodyString("status");
            if (status is null || !IssueStatuses.Contains(status, StringComparer.Ordinal))
            {
                return r.BadRequest($"'status' must be one of {string.Join(", ", IssueStatuses)} (got {r.Body?["status"]?.ToJsonString() ?? "nothing"}).");
            }

            lock (r.Data.Gate)
            {
                if (FindIssue(r) is not { } issue)
                {
                    return IssueNotFound(r);
                }

                issue["status"] = status;
                issue["lastModifiedDateTime"] = DataSeeder.Iso(r.Now);
                return r.Ok(issue.DeepClone());
            }
        };
        handlers["GraphSecurity.ListSensors"] = r =>
        {
            lock (r.Data.Gate)
            {
                return r.List(r.Data.IdentitySensors.Select(s => Sensor(r.Data, s)).ToList(), "security/identities/sensors");
            }
        };
        handlers["GraphSecurity.GetSensor"] = r =>
        {
            lock (r.Data.Gate)
            {
                return FindSensor(r) is { } sensor ? r.Ok(Sensor(r.Data, sensor)) : SensorNotFound(r);
            }
        };
        handlers["GraphSecurity.UpdateSensor"] = r =>
        {
            if (r.BodyObject("settings") is not { } settings)
            {
                return r.BadRequest("'settings' is required to update a sensor.");
            }

            lock (r.Data.Gate)
            {
                if (FindSensor(r) is not { } sensor)
                {
                    return SensorNotFound(r);
                }

                // Settings are merged: a PATCH naming only the description keeps the domain controllers.
                var stored = (JsonObject)sensor["settings"]!;
                foreach (var (name, value) in settings)
                {
                    stored[name] = value?.DeepClone();
                }

                return r.Ok(Sensor(r.Data, sensor));
            }
        };
    }

    // The open issue count and health follow the issues that name the sensor's domain controllers.
    private static JsonObject Sensor(TenantData data, JsonObject sensor)
    {
        var result = (JsonObject)sensor.DeepClone();
        var names = ((JsonArray)sensor["settings"]!["domainControllerDnsNames"]!).Select(n => n?.GetValue<string>()).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var open = data.IdentityHealthIssues
            .Where(i => i["status"]!.GetValue<string>() == "open" && ((JsonArray)i["sensorDNSNames"]!).Any(n => names.Contains(n?.GetValue<string>())))
            .ToList();
        result["openHealthIssuesCount"] = open.Count;
        result["healthStatus"] = open.Count == 0 ? "healthy"
            : open.Any(i => i["severity"]!.GetValue<string>() == "high") ? "notHealthyHigh"
            : open.Any(i => i["severity"]!.GetValue<string>() == "medium") ? "notHealthyMedium"
            : "notHealthyLow";
        return result;
    }

    private static JsonObject? FindIssue(ApiRequest r) => r.Data.IdentityHealthIssues.FirstOrDefault(i => i["id"]!.GetValue<string>() == r.PathValue("healthIssueId"));

    private static JsonObject? FindSensor(ApiRequest r) => r.Data.IdentitySensors.FirstOrDefault(s => s["id"]!.GetValue<string>() == r.PathValue("sensorId"));

    private static IResult IssueNotFound(ApiRequest r) => r.NotFound("Health issue", r.PathValue("healthIssueId"));

    private static IResult SensorNotFound(ApiRequest r) => r.NotFound("Sensor", r.PathValue("sensorId"));
}
