using System.Text.Json.Nodes;

namespace Defender365.Toolkit.Emulator.Api;

/// <summary>Defender for Endpoint alerts: list with OData, get, update.</summary>
internal static class AlertHandlers
{
    public static void Register(IDictionary<string, Func<ApiRequest, IResult>> handlers)
    {
        handlers["ListAlerts"] = r =>
        {
            lock (r.Data.Gate)
            {
                return r.List(r.Data.Listed(r.Data.Alerts, r.Now), "Alerts");
            }
        };
        handlers["GetAlert"] = r =>
        {
            lock (r.Data.Gate)
            {
                return Find(r) is { } alert ? r.Ok(alert.DeepClone()) : NotFound(r);
            }
        };
        handlers["UpdateAlert"] = r =>
        {
            lock (r.Data.Gate)
            {
                if (Find(r) is not { } alert)
                {
                    return NotFound(r);
                }

                EntityUpdates.Apply(r, alert, "lastUpdateTime");
                return r.Ok(alert.DeepClone());
            }
        };
    }

    private static JsonObject? Find(ApiRequest r) =>
        r.Data.Alerts.FirstOrDefault(a => string.Equals(a["id"]!.GetValue<string>(), r.PathValue("id"), StringComparison.OrdinalIgnoreCase));

    private static IResult NotFound(ApiRequest r) => r.Error(404, "ResourceNotFound", $"Alert {r.PathValue("id")} was not found.");
}
