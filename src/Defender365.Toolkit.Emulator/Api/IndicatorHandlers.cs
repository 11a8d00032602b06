using System.Globalization;
using System.Text.Json.Nodes;
using Defender365.Toolkit.Emulator.Data;

namespace Defender365.Toolkit.Emulator.Api;

/// <summary>Custom indicators (IoCs): submit (creates or updates by value and type), list, delete, batch delete.</summary>
internal static class IndicatorHandlers
{
    private static readonly string[] Required = ["indicatorValue", "indicatorType", "action", "title", "description"];

    public static void Register(IDictionary<string, Func<ApiRequest, IResult>> handlers)
    {
        handlers["ListIndicators"] = r =>
        {
            lock (r.Data.Gate)
            {
                return r.List(r.Data.Indicators, "Indicators");
            }
        };
        handlers["SubmitIndicator"] = r =>
        {
            var missing = Required.FirstOrDefault(name => r.BodyString(name) is null);
            if (missing is not null)
            {
                return r.Error(400, "MissingRequiredParameter", $"The '{missing}' body parameter is required (names are case-sensitive).");
            }

            lock (r.Data.Gate)
            {
                var value = r.BodyString("indicatorValue")!;
                var type = r.BodyString("indicatorType")!;
                var existing = r.Data.Indicators.FirstOrDefault(i => i["indicatorValue"]!.GetValue<string>() == value && i["indicatorType"]!.GetValue<string>() == type);
                var indicator = existing ?? new JsonObject
                {
                    ["id"] = (r.Data.NextIndicatorId++).ToString(CultureInfo.InvariantCulture),
                    ["createdBy"] = r.AppId,
                    ["createdBySource"] = "PublicApi",
                    ["creationTimeDateTimeUtc"] = DataSeeder.Iso(r.Now),
                    ["source"] = r.AppId,
                    ["sourceType"] = "AadApp",
                };
                foreach (var (name, node) in r.Body!)
                {
                    indicator[name] = node?.DeepClone();
                }

                indicator["lastUpdatedBy"] = r.AppId;
                indicator["lastUpdateTime"] = DataSeeder.Iso(r.Now);
                if (existing is null)
                {
                    r.Data.Indicators.Add(indicator);
                }

                return r.Ok(indicator.DeepClone());
            }
        };
        handlers["DeleteIndicator"] = r =>
        {
            lock (r.Data.Gate)
            {
                var removed = r.Data.Indicators.RemoveAll(i => i["id"]!.GetValue<string>() == r.PathValue("id"));
                return removed > 0 ? r.NoContent() : r.Error(404, "ResourceNotFound", $"Indicator {r.PathValue("id")} was not found.");
            }
        };
        handlers["BatchDeleteIndicators"] = r =>
        {
            if (r.Body?["IndicatorIds"] is not JsonArray ids)
            {
                return r.Error(400, "MissingRequiredParameter", "The 'IndicatorIds' body parameter is required.");
            }

            lock (r.Data.Gate)
            {
                var set = ids.Select(i => i?.ToString()).ToHashSet(StringComparer.Ordinal);
                r.Data.Indicators.RemoveAll(i => set.Contains(i["id"]!.GetValue<string>()));
                return r.NoContent();
            }
        };
    }
}
