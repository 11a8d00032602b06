using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Defender365.Toolkit.Emulator.Data;

namespace Defender365.Toolkit.Emulator.Api;

/// <summary>
/// Advanced hunting over the seeded data. Understands a table name (<c>DeviceInfo</c>, <c>AlertInfo</c>,
/// <c>DeviceProcessEvents</c>) and <c>| take N</c> / <c>| limit N</c>; answers with the schema and rows in each API's
/// casing (Defender: <c>Stats</c>/<c>Schema</c>/<c>Results</c>; Graph: <c>schema</c>/<c>results</c>).
/// </summary>
internal static partial class HuntingHandlers
{
    public static void Register(IDictionary<string, Func<ApiRequest, IResult>> handlers)
    {
        handlers["RunAdvancedHuntingQuery"] = r => Run(r, pascal: true, stats: true);
        handlers["RunAdvancedQuery"] = r => Run(r, pascal: true, stats: false);
        handlers["GraphSecurity.RunHuntingQuery"] = r => Run(r, pascal: false, stats: false);
    }

    private static IResult Run(ApiRequest r, bool pascal, bool stats)
    {
        var query = r.BodyString("Query");
        if (string.IsNullOrWhiteSpace(query))
        {
            return r.Error(400, r.IsGraph ? "BadRequest" : "MissingRequiredParameter", "The 'Query' body parameter is required.");
        }

        var table = TableName().Match(query) is { Success: true } t ? t.Value : string.Empty;
        var take = TakeClause().Match(query) is { Success: true } m ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 10_000;
        (string Name, string Type)[] columns;
        List<JsonObject> rows;
        lock (r.Data.Gate)
        {
            switch (table)
            {
                case "DeviceInfo":
                    columns = [("Timestamp", "DateTime"), ("DeviceId", "String"), ("DeviceName", "String"), ("OSPlatform", "String"), ("PublicIP", "String")];
                    rows = r.Data.Machines.Select(m => new JsonObject
                    {
                        ["Timestamp"] = m["lastSeen"]!.DeepClone(),
                        ["DeviceId"] = m["id"]!.DeepClone(),
                        ["DeviceName"] = m["computerDnsName"]!.DeepClone(),
                        ["OSPlatform"] = m["osPlatform"]!.DeepClone(),
                        ["PublicIP"] = m["lastExternalIpAddress"]!.DeepClone(),
                    }).ToList();
                    break;
                case "AlertInfo":
                    columns = [("Timestamp", "DateTime"), ("AlertId", "String"), ("Title", "String"), ("Category", "String"), ("Severity", "String")];
                    rows = r.Data.Alerts.Select(a => new JsonObject
                    {
                        ["Timestamp"] = a["alertCreationTime"]!.DeepClone(),
                        ["AlertId"] = a["id"]!.DeepClone(),
                        ["Title"] = a["title"]!.DeepClone(),
                        ["Category"] = a["category"]!.DeepClone(),
                        ["Severity"] = a["severity"]!.DeepClone(),
                    }).ToList();
                    break;
                case "DeviceProcessEvents":
                    columns = [("Timestamp", "DateTime"), ("DeviceName", "String"), ("FileName", "String"), ("ProcessCommandLine", "String")];
                    rows = r.Data.Machines.Select((m, i) => new JsonObject
                    {
                        ["Timestamp"] = DataSeeder.Iso(r.Now.AddMinutes(-i * 13)),
                        ["DeviceName"] = m["computerDnsName"]!.DeepClone(),
                        ["FileName"] = i % 3 == 0 ? "powershell.exe" : "cmd.exe",
                        ["ProcessCommandLine"] = i % 3 == 0 ? "powershell.exe -nop -w hidden -enc SQBFAFgA" : "cmd.exe /c whoami",
                    }).ToList();
                    break;
                default:
                    return r.Error(400, "BadRequest", $"Failed to resolve table or column expression named '{table}'.");
            }
        }

        rows = rows.Take(take).ToList();
        var schema = new JsonArray(columns.Select(c => (JsonNode)new JsonObject
        {
            [pascal ? "Name" : "name"] = c.Name,
            [pascal ? "Type" : "type"] = c.Type,
        }).ToArray());
        var result = new JsonObject
        {
            [pascal ? "Schema" : "schema"] = schema,
            [pascal ? "Results" : "results"] = new JsonArray(rows.Cast<JsonNode>().ToArray()),
        };
        if (stats)
        {
            result["Stats"] = new JsonObject { ["ExecutionTime"] = 0.05, ["resource_usage"] = new JsonObject { ["cache"] = new JsonObject() }, ["dataset_statistics"] = new JsonArray(new JsonObject { ["table_row_count"] = rows.Count }) };
        }

        if (r.IsGraph)
        {
            result["@odata.context"] = r.Context("microsoft.graph.security.huntingQueryResults");
        }

        return r.Ok(result);
    }

    [GeneratedRegex(@"^\s*[A-Za-z_][A-Za-z0-9_]*", RegexOptions.CultureInvariant)]
    private static partial Regex TableName();

    [GeneratedRegex(@"\|\s*(?:take|limit)\s+(\d+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TakeClause();
}
