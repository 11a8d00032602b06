using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Defender365.Toolkit.Catalog;
using Defender365.Toolkit.Emulator.Data;
using Defender365.Toolkit.Emulator.Hosting;

namespace Defender365.Toolkit.Emulator.Api;

/// <summary>One authorized API call: the operation, the caller's tenant and app, the arguments, and response helpers.</summary>
internal sealed class ApiRequest
{
    public ApiRequest(HttpContext http, EmulatorState state, DefenderOperation operation, IReadOnlyDictionary<string, string> path, string tenantId, string appId, JsonObject? body, IFormCollection? form = null)
    {
        Form = form;
        Http = http;
        State = state;
        Operation = operation;
        Path = path;
        TenantId = tenantId;
        AppId = appId;
        Body = body;
        Data = state.Data.For(tenantId);
    }

    public HttpContext Http { get; }

    public EmulatorState State { get; }

    public DefenderOperation Operation { get; }

    public IReadOnlyDictionary<string, string> Path { get; }

    public string TenantId { get; }

    public string AppId { get; }

    public JsonObject? Body { get; }

    /// <summary>The form of a <c>multipart/form-data</c> operation (a file upload), or null.</summary>
    public IFormCollection? Form { get; }

    public TenantData Data { get; }

    public DateTimeOffset Now => State.Options.TimeProvider.GetUtcNow();

    public bool IsGraph => Operation.Api == "graph";

    public string? Query(string name) => Http.Request.Query.TryGetValue(name, out var value) ? value.ToString() : null;

    public string PathValue(string name) => Path[name];

    /// <summary>The <c>@odata.context</c> the service puts on responses.</summary>
    public string Context(string entitySet) =>
        IsGraph
            ? $"{State.BaseAddress.GetLeftPart(UriPartial.Authority)}/v1.0/$metadata#{entitySet}"
            : $"{State.BaseAddress.GetLeftPart(UriPartial.Authority)}/api/$metadata#{entitySet}";

    public IResult Ok(JsonNode value, int? status = null) =>
        Results.Text(value.ToJsonString(), "application/json; odata.metadata=minimal", statusCode: status ?? Operation.SuccessStatus);

    /// <summary>404 for an entity the path names and the tenant does not have, in the API's error shape.</summary>
    public IResult NotFound(string what, string id) => Error(404, IsGraph ? "NotFound" : "ResourceNotFound", $"{what} {id} was not found.");

    /// <summary>400 for a request body the service refuses, in the API's error shape.</summary>
    public IResult BadRequest(string message) => Error(400, IsGraph ? "BadRequest" : "InvalidRequestBody", message);

    /// <summary>A whole collection in one answer (no paging), as Graph returns a navigation property such as comments.</summary>
    public IResult Values(IEnumerable<JsonNode?> items, string entitySet) =>
        Ok(new JsonObject { ["@odata.context"] = Context(entitySet), ["value"] = new JsonArray(items.Select(i => i?.DeepClone()).ToArray()) });

    public IResult NoContent() => Results.StatusCode(Operation.SuccessStatus == 200 ? 204 : Operation.SuccessStatus);

    public IResult Error(int status, string code, string message) => Error(Http, IsGraph, status, code, message);

    public static IResult Error(HttpContext http, bool graph, int status, string code, string message)
    {
        var error = new JsonObject { ["code"] = code, ["message"] = message };
        var requestId = Guid.NewGuid().ToString();
        if (graph)
        {
            error["innerError"] = new JsonObject
            {
                ["date"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture),
                ["request-id"] = requestId,
                ["client-request-id"] = http.Request.Headers["client-request-id"].ToString(),
            };
        }
        else
        {
            error["target"] = requestId;
        }

        http.Response.Headers["request-id"] = requestId;
        return Results.Text(new JsonObject { ["error"] = error }.ToJsonString(), "application/json", statusCode: status);
    }

    /// <summary>
    /// A Defender list: <c>$filter</c>, then <c>$skip</c>/<c>$top</c> (bounded by the operation's maximum). Without
    /// <c>$top</c> the first page of the maximum size is returned with an <c>@odata.nextLink</c> when more remain.
    /// </summary>
    public IResult List(IEnumerable<JsonObject> items, string entitySet)
    {
        if (!ODataFilter.TryParse(Query("$filter"), out var filter, out var error))
        {
            return Error(400, "ODataError", error);
        }

        if (!TryInt("$top", out var top) || !TryInt("$skip", out var skip))
        {
            return Error(400, "ODataError", "$top and $skip must be non-negative integers.");
        }

        var max = Operation.Query.MaxTop ?? (IsGraph ? 50 : 10000);
        if (top > max)
        {
            return Error(400, IsGraph ? "BadRequest" : "InvalidInput", $"The limit of '{max}' for Top query has been exceeded. The value from the incoming request is '{top}'.");
        }

        var skipToken = Query("$skiptoken");
        if (skipToken is not null && int.TryParse(skipToken, NumberStyles.Integer, CultureInfo.InvariantCulture, out var fromToken))
        {
            skip = fromToken;
        }

        var matching = (filter is null ? items : items.Where(filter.Matches)).ToList();
        var pageSize = top ?? (IsGraph ? Math.Min(max, 20) : max);
        var start = skip ?? 0;
        var page = matching.Skip(start).Take(pageSize).Select(i => i.DeepClone()).ToArray();
        var result = new JsonObject { ["@odata.context"] = Context(entitySet), ["value"] = new JsonArray(page) };
        var usesNextLink = IsGraph || Operation.Paging == DefenderPagingStyle.NextLink || top is null;
        if (usesNextLink && start + page.Length < matching.Count && page.Length > 0)
        {
            result["@odata.nextLink"] = NextLink(pageSize, start + page.Length);
        }

        return Ok(result);
    }

    private string NextLink(int top, int skip)
    {
        var builder = new UriBuilder(State.BaseAddress) { Path = Http.Request.Path.Value };
        var query = new List<string> { $"$top={top}" };
        if (Query("$filter") is { } filter)
        {
            query.Add("$filter=" + Uri.EscapeDataString(filter));
        }

        query.Add(IsGraph || Operation.Paging == DefenderPagingStyle.NextLink ? $"$skiptoken={skip}" : $"$skip={skip}");
        builder.Query = string.Join('&', query);
        return builder.Uri.AbsoluteUri;
    }

    private bool TryInt(string name, out int? value)
    {
        value = null;
        var text = Query(name);
        if (text is null)
        {
            return true;
        }

        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) && parsed >= 0)
        {
            value = parsed;
            return true;
        }

        return false;
    }

    /// <summary>Reads a case-sensitive body field, as the service does (a wrong case is a missing parameter).</summary>
    public string? BodyString(string name) =>
        Body is not null && Body.TryGetPropertyValue(name, out var node) && node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    /// <summary>Reads a body field that must be a JSON object (a nested entity), or null.</summary>
    public JsonObject? BodyObject(string name) => Body is not null && Body.TryGetPropertyValue(name, out var node) ? node as JsonObject : null;

    public static JsonObject? ParseBody(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        return JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = false }) as JsonObject
            ?? throw new JsonException("The body is not a JSON object.");
    }
}
