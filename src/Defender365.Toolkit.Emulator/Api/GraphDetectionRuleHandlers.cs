using System.Globalization;
using System.Text.Json.Nodes;
using System.Xml;
using Defender365.Toolkit.Emulator.Data;

namespace Defender365.Toolkit.Emulator.Api;

/// <summary>
/// Graph custom detection rules (<c>/security/rules/detectionRules</c>): list, get, create, update, delete over the
/// tenant's rules, with the v1.0 checks a rule written for beta fails (a schedule is a <c>frequency</c> duration).
/// </summary>
internal static class GraphDetectionRuleHandlers
{
    // The run intervals custom detections offer: continuous (near real time), every 1, 3, 12 or 24 hours.
    private static readonly TimeSpan[] Frequencies = [TimeSpan.Zero, TimeSpan.FromHours(1), TimeSpan.FromHours(3), TimeSpan.FromHours(12), TimeSpan.FromHours(24)];

    public static void Register(IDictionary<string, Func<ApiRequest, IResult>> handlers)
    {
        handlers["GraphSecurity.ListDetectionRules"] = r =>
        {
            lock (r.Data.Gate)
            {
                return r.List(r.Data.DetectionRules, "security/rules/detectionRules");
            }
        };
        handlers["GraphSecurity.GetDetectionRule"] = r =>
        {
            lock (r.Data.Gate)
            {
                return Find(r) is { } rule ? r.Ok(rule.DeepClone()) : NotFound(r);
            }
        };
        handlers["GraphSecurity.CreateDetectionRule"] = r =>
        {
            if (Refusal(r, creating: true) is { } refusal)
            {
                return refusal;
            }

            lock (r.Data.Gate)
            {
                var rule = GraphSecuritySeeder.DetectionRule(
                    (r.Data.NextDetectionRuleId++).ToString(CultureInfo.InvariantCulture),
                    r.BodyString("displayName")!,
                    r.Body!["isEnabled"]?.GetValue<bool>() ?? true,
                    r.BodyObject("queryCondition")!["queryText"]!.GetValue<string>(),
                    r.BodyObject("schedule")!["frequency"]!.GetValue<string>(),
                    (JsonObject)r.BodyObject("detectionAction")!["alertTemplate"]!.DeepClone(),
                    r.AppId,
                    r.Now);
                CopyAction(r, rule);
                r.Data.DetectionRules.Add(rule);
                return r.Ok(rule.DeepClone());
            }
        };
        handlers["GraphSecurity.UpdateDetectionRule"] = r =>
        {
            if (Refusal(r, creating: false) is { } refusal)
            {
                return refusal;
            }

            lock (r.Data.Gate)
            {
                if (Find(r) is not { } rule)
                {
                    return NotFound(r);
                }

                // PATCH replaces the properties it names, each whole, as Graph does.
                foreach (var name in (string[])["displayName", "isEnabled", "schedule"])
                {
                    if (r.Body!.TryGetPropertyValue(name, out var value))
                    {
                        rule[name] = value?.DeepClone();
                    }
                }

                if (r.BodyObject("queryCondition") is { } condition)
                {
                    rule["queryCondition"] = new JsonObject { ["queryText"] = condition["queryText"]?.DeepClone(), ["lastModifiedDateTime"] = DataSeeder.Iso(r.Now) };
                }

                CopyAction(r, rule);
                rule["lastModifiedBy"] = r.AppId;
                rule["lastModifiedDateTime"] = DataSeeder.Iso(r.Now);
                return r.Ok(rule.DeepClone());
            }
        };
        handlers["GraphSecurity.DeleteDetectionRule"] = r =>
        {
            lock (r.Data.Gate)
            {
                return r.Data.DetectionRules.RemoveAll(rule => rule["id"]!.GetValue<string>() == r.PathValue("detectionRuleId")) > 0 ? r.NoContent() : NotFound(r);
            }
        };
    }

    private static JsonObject? Find(ApiRequest r) => r.Data.DetectionRules.FirstOrDefault(rule => rule["id"]!.GetValue<string>() == r.PathValue("detectionRuleId"));

    private static IResult NotFound(ApiRequest r) => r.NotFound("Detection rule", r.PathValue("detectionRuleId"));

    private static void CopyAction(ApiRequest r, JsonObject rule)
    {
        if (r.BodyObject("detectionAction") is not { } action)
        {
            return;
        }

        var stored = (JsonObject)rule["detectionAction"]!;
        foreach (var (name, value) in action)
        {
            stored[name] = value?.DeepClone();
        }
    }

    /// <summary>What the service refuses in a rule: a missing part when creating, and in any case a malformed one.</summary>
    private static IResult? Refusal(ApiRequest r, bool creating)
    {
        if (r.Body is null)
        {
            return r.BadRequest("A detection rule body is required.");
        }

        if (creating)
        {
            var missing = string.IsNullOrWhiteSpace(r.BodyString("displayName")) ? "displayName"
                : r.BodyObject("queryCondition")?["queryText"] is not JsonValue ? "queryCondition.queryText"
                : r.BodyObject("schedule")?["frequency"] is not JsonValue ? "schedule.frequency"
                : r.BodyObject("detectionAction")?["alertTemplate"]?["title"] is not JsonValue ? "detectionAction.alertTemplate.title"
                : null;
            if (missing is not null)
            {
                return r.BadRequest($"The '{missing}' property is required to create a detection rule.");
            }
        }

        if (r.Body.TryGetPropertyValue("isEnabled", out var enabled) && enabled is not null && enabled.GetValueKind() is not (System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False))
        {
            return r.BadRequest("'isEnabled' must be true or false.");
        }

        if (r.BodyObject("schedule") is { } schedule && !IsFrequency(schedule["frequency"]))
        {
            return r.BadRequest($"'schedule.frequency' must be an ISO 8601 duration of one of: {string.Join(", ", Frequencies.Select(XmlConvert.ToString))} (got {schedule["frequency"]?.ToJsonString() ?? "nothing"}).");
        }

        return null;
    }

    private static bool IsFrequency(JsonNode? node)
    {
        if (node is not JsonValue value || !value.TryGetValue<string>(out var text))
        {
            return false;
        }

        try
        {
            return Frequencies.Contains(XmlConvert.ToTimeSpan(text));
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
