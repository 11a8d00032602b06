using System.Text.Json.Nodes;
using Defender365.Toolkit.Emulator.Data;

namespace Defender365.Toolkit.Emulator.Api;

/// <summary>
/// Graph Secure Score: the tenant's daily scores, newest first (<c>$top=n</c> is the last n days, at most 90), and
/// Microsoft's control profiles with the state changes this tenant made through <c>PATCH</c>.
/// </summary>
internal static class GraphSecureScoreHandlers
{
    private static readonly string[] States = ["Default", "Ignored", "ThirdParty", "Reviewed"];

    public static void Register(IDictionary<string, Func<ApiRequest, IResult>> handlers)
    {
        handlers["GraphSecurity.ListSecureScores"] = r =>
            r.List(GraphSecuritySeeder.SecureScores(r.Data, r.TenantId, r.Now), "security/secureScores");
        handlers["GraphSecurity.GetSecureScore"] = r =>
            GraphSecuritySeeder.SecureScores(r.Data, r.TenantId, r.Now).FirstOrDefault(s => s["id"]!.GetValue<string>() == r.PathValue("secureScoreId")) is { } score
                ? r.Ok(score)
                : r.NotFound("Secure score", r.PathValue("secureScoreId"));
        handlers["GraphSecurity.ListSecureScoreControlProfiles"] = r =>
        {
            lock (r.Data.Gate)
            {
                return r.List(GraphSecuritySeeder.ControlProfiles.Select(c => GraphSecuritySeeder.ControlProfile(c, r.Data, r.TenantId)).ToList(), "security/secureScoreControlProfiles");
            }
        };
        handlers["GraphSecurity.GetSecureScoreControlProfile"] = r =>
        {
            lock (r.Data.Gate)
            {
                return Find(r) is { } control ? r.Ok(GraphSecuritySeeder.ControlProfile(control, r.Data, r.TenantId)) : NotFound(r);
            }
        };
        handlers["GraphSecurity.UpdateSecureScoreControlProfile"] = r =>
        {
            if (Find(r) is not { } control)
            {
                return NotFound(r);
            }

            // The service wants to know whose control it is before it records a state on it.
            if (r.BodyObject("vendorInformation") is not { } vendor || vendor["provider"] is not JsonValue || vendor["vendor"] is not JsonValue)
            {
                return r.BadRequest("'vendorInformation' with 'provider' and 'vendor' is required to update a control profile.");
            }

            var state = r.BodyString("state");
            if (state is not null && !States.Contains(state, StringComparer.Ordinal))
            {
                return r.BadRequest($"'state' must be one of {string.Join(", ", States)} (got '{state}').");
            }

            lock (r.Data.Gate)
            {
                if (!r.Data.ControlStateUpdates.TryGetValue(control.Id, out var updates))
                {
                    r.Data.ControlStateUpdates[control.Id] = updates = [];
                }

                var previous = updates.Count > 0 ? (JsonObject)updates[^1]! : null;
                updates.Add(new JsonObject
                {
                    ["assignedTo"] = r.Body!.ContainsKey("assignedTo") ? r.Body["assignedTo"]?.DeepClone() : previous?["assignedTo"]?.DeepClone(),
                    ["comment"] = r.BodyString("comment"),
                    ["state"] = state ?? previous?["state"]?.GetValue<string>() ?? "Default",
                    ["updatedBy"] = r.AppId,
                    ["updatedDateTime"] = DataSeeder.Iso(r.Now),
                });
                return r.Ok(GraphSecuritySeeder.ControlProfile(control, r.Data, r.TenantId));
            }
        };
    }

    private static SecureScoreControl? Find(ApiRequest r) =>
        GraphSecuritySeeder.ControlProfiles.FirstOrDefault(c => string.Equals(c.Id, r.PathValue("controlProfileId"), StringComparison.OrdinalIgnoreCase));

    private static IResult NotFound(ApiRequest r) => r.NotFound("Control profile", r.PathValue("controlProfileId"));
}
