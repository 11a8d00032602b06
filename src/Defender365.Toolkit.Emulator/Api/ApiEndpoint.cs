using System.Text.Json;
using Defender365.Toolkit.Catalog;
using Defender365.Toolkit.Emulator.Faults;
using Defender365.Toolkit.Emulator.Hosting;
using Defender365.Toolkit.Emulator.Identity;

namespace Defender365.Toolkit.Emulator.Api;

/// <summary>
/// Every catalog operation on one route: finds the operation by method and path, enforces the bearer token as the
/// service does (401 for a missing, invalid or wrong-audience token or unknown tenant; 403 without a role the
/// operation accepts), applies switched-on faults, then runs the operation's handler.
/// </summary>
internal sealed class ApiEndpoint
{
    private readonly EmulatorState _state;
    private readonly OperationHandlers _handlers;

    public ApiEndpoint(EmulatorState state)
    {
        _state = state;
        _handlers = new OperationHandlers();
    }

    public async Task<IResult> HandleAsync(HttpContext http)
    {
        var path = http.Request.Path.Value ?? "/";
        var graph = !path.StartsWith("/api", StringComparison.OrdinalIgnoreCase);
        var match = DefenderCatalog.Default.MatchRequest(http.Request.Method, path);
        if (match is not { } found)
        {
            return ApiRequest.Error(http, graph, 404, graph ? "ResourceNotFound" : "NotFound", $"No API operation matches {http.Request.Method} {path}.");
        }

        var operation = found.Operation;
        _state.Statistics.CountApiCall(operation.Id);

        // Counted as the answer starts, whichever of the throttles below made it.
        http.Response.OnStarting(static state =>
        {
            var (http, statistics, operationId) = ((HttpContext, EmulatorStatistics, string))state;
            if (http.Response.StatusCode == StatusCodes.Status429TooManyRequests)
            {
                statistics.CountThrottledCall(operationId);
            }

            return Task.CompletedTask;
        }, (http, _state.Statistics, operation.Id));

        var (tenantId, appId, refusal) = await AuthorizeAsync(http, operation, graph).ConfigureAwait(false);
        if (refusal is not null)
        {
            return refusal;
        }

        if (_state.Faults.ApiLatency > TimeSpan.Zero)
        {
            await Task.Delay(_state.Faults.ApiLatency, _state.Options.TimeProvider, http.RequestAborted).ConfigureAwait(false);
        }

        if (_state.Faults.Next(operation.Id) is { } fault)
        {
            return Fault(http, graph, operation, fault.Status, fault.RetryAfter, fault.Header);
        }

        var tenant = _state.Options.Tenants.First(t => t.Matches(tenantId!));
        // A request a concurrency quota let in holds its place until its answer is made.
        var profileFault = _state.Faults.NextApiFault(operation.Id, tenant, out var held);
        using var inFlight = held;
        if (profileFault is not null
            && await FaultResults.BeforeHandlerAsync(http, graph, operation, profileFault, _state.Faults, tenant.TenantId, _state.Options.TimeProvider).ConfigureAwait(false) is { } answer)
        {
            return answer;
        }

        System.Text.Json.Nodes.JsonObject? body = null;
        IFormCollection? form = null;
        if (operation.Body is { ContentType: "multipart/form-data" })
        {
            // A file upload: a form, as the service takes it; anything else is refused as the wrong media type.
            if (!http.Request.HasFormContentType)
            {
                return ApiRequest.Error(http, graph, 415, "UnsupportedMediaType", $"{operation.Name} takes multipart/form-data.");
            }

            try
            {
                form = await http.Request.ReadFormAsync(http.RequestAborted).ConfigureAwait(false);
            }
            catch (InvalidDataException e)
            {
                return ApiRequest.Error(http, graph, 400, "InvalidRequestBody", $"The form could not be read: {e.Message}");
            }
        }
        else
        {
            try
            {
                using var reader = new StreamReader(http.Request.Body);
                body = ApiRequest.ParseBody(await reader.ReadToEndAsync(http.RequestAborted).ConfigureAwait(false));
            }
            catch (JsonException)
            {
                return ApiRequest.Error(http, graph, 400, graph ? "BadRequest" : "InvalidRequestBody", "The request body is not valid JSON.");
            }
        }

        if (graph && body is not null && operation.Body is { } shape && GraphBodyShape.FindUndefined(shape, body) is { } undefined)
        {
            return ApiRequest.Error(http, graph, 400, "BadRequest", $"The property '{undefined.Path}' does not exist on type '{undefined.Type}'. Make sure to only use property names that are defined by the type.");
        }

        var request = new ApiRequest(http, _state, operation, found.PathValues, tenantId!, appId!, body, form);
        try
        {
            var result = await _handlers.HandleAsync(request).ConfigureAwait(false);
            return profileFault is null ? result : FaultResults.Wrap(result, profileFault, _state.Options.TimeProvider);
        }
        catch (Exception exception) when (exception is InvalidOperationException or FormatException or KeyNotFoundException or JsonException)
        {
            // An emulator defect, reported in the service's error shape so the client's message shows it.
            return ApiRequest.Error(http, graph, 500, "InternalServerError", $"Emulator handler for {operation.Id} failed: {exception.GetType().Name}: {exception.Message}");
        }
    }

    private async Task<(string? Tenant, string? App, IResult? Refusal)> AuthorizeAsync(HttpContext http, DefenderOperation operation, bool graph)
    {
        var header = http.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return (null, null, Unauthorized(http, graph, "Authorization header with a bearer token is missing."));
        }

        var (valid, token, error) = await _state.Issuer.ValidateAsync(header["Bearer ".Length..].Trim()).ConfigureAwait(false);
        if (!valid || token is null)
        {
            return (null, null, Unauthorized(http, graph, $"The access token is invalid ({error})."));
        }

        var audience = token.Audiences.FirstOrDefault();
        if (!AudienceMap.IsAudienceOf(audience, operation.Resource))
        {
            return (null, null, Unauthorized(http, graph, $"IDX10214: Audience validation failed. Audience: '{audience}'. {operation.Resource.DisplayName} accepts tokens for {operation.Resource.GetEndpoint(DefenderCloud.Commercial).Audience}."));
        }

        var tenantId = token.TryGetPayloadValue<string>("tid", out var tid) ? tid : null;
        if (tenantId is null || !_state.Options.Tenants.Any(t => t.Matches(tenantId)))
        {
            return (null, null, Unauthorized(http, graph, "The token's tenant is not known to this service."));
        }

        if (_state.Faults.IsRevoked(tenantId, TokenIssuer.SerialOf(token)))
        {
            return (null, null, Unauthorized(http, graph, "The access token has been revoked."));
        }

        var appId = token.TryGetPayloadValue<string>("appid", out var app) ? app : token.TryGetPayloadValue<string>("azp", out var azp) ? azp : string.Empty;
        var roles = token.TryGetPayloadValue<string[]>("roles", out var r) ? r : [];
        if (!operation.Resource.IsSatisfiedBy(operation.ApplicationPermissions, roles))
        {
            var message = graph
                ? "Missing role permissions on the request. API requires one of '" + string.Join(", ", operation.ApplicationPermissions) + "'. Roles on the request '" + string.Join(", ", roles) + "'."
                : "The application does not have any of the required application roles (" + string.Join(", ", operation.ApplicationPermissions) + ") to access the resource.";
            return (null, null, ApiRequest.Error(http, graph, 403, "Forbidden", message));
        }

        return (tenantId, appId, null);
    }

    private static IResult Unauthorized(HttpContext http, bool graph, string message)
    {
        http.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
        return ApiRequest.Error(http, graph, 401, graph ? "InvalidAuthenticationToken" : "Unauthorized", message);
    }

    private static IResult Fault(HttpContext http, bool graph, DefenderOperation operation, int status, TimeSpan retryAfter, bool header) =>
        status == 429
            ? FaultResults.Throttled(http, graph, operation, retryAfter, header ? EmulatorFaultKind.ThrottleRetryAfter : EmulatorFaultKind.ThrottleInBody)
            : ApiRequest.Error(http, graph, status, status == 503 ? "ServiceUnavailable" : "InternalServerError", "The service is temporarily unavailable. Retry the request.");
}
