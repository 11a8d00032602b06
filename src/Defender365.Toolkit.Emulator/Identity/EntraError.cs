
namespace Defender365.Toolkit.Emulator.Identity;

/// <summary>Token-service errors in Entra ID's shape: <c>error</c>, <c>error_description</c> starting with the AADSTS code, <c>error_codes</c>, ids.</summary>
internal static class EntraError
{
    public static IResult Create(int status, string error, int code, string description, TimeProvider time)
    {
        var traceId = Guid.NewGuid().ToString();
        var correlationId = Guid.NewGuid().ToString();
        var now = time.GetUtcNow();
        return Results.Json(
            new Dictionary<string, object>
            {
                ["error"] = error,
                ["error_description"] = $"AADSTS{code}: {description} Trace ID: {traceId} Correlation ID: {correlationId} Timestamp: {now:yyyy-MM-dd HH:mm:ssZ}",
                ["error_codes"] = new[] { code },
                ["timestamp"] = now.ToString("yyyy-MM-dd HH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
                ["trace_id"] = traceId,
                ["correlation_id"] = correlationId,
                ["error_uri"] = $"https://login.microsoftonline.com/error?code={code}",
            },
            statusCode: status);
    }

    public static IResult UnknownTenant(string tenant, TimeProvider time) =>
        Create(400, "invalid_request", 90002, $"Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.", time);

    public static IResult ApiNotInTenant(string tenant, TimeProvider time) =>
        Create(400, "invalid_client", 650052, $"The app is trying to access a service that your organization '{tenant}' lacks a service principal for. Contact your IT Admin to review the configuration of your service subscriptions or consent to the application to create the required service principal.", time);

    public static IResult TenantRequired(TimeProvider time) =>
        Create(400, "invalid_request", 50059, "No tenant-identifying information found in either the request or implied by any provided credentials.", time);

    public static IResult AppNotInTenant(string clientId, string tenant, TimeProvider time) =>
        Create(400, "unauthorized_client", 700016, $"Application with identifier '{clientId}' was not found in the directory '{tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.", time);

    public static IResult InvalidSecret(string clientId, TimeProvider time) =>
        Create(401, "invalid_client", 7000215, $"Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{clientId}'.", time);

    public static IResult ExpiredSecret(string clientId, TimeProvider time) =>
        Create(401, "invalid_client", 7000222, $"The provided client secret keys for app '{clientId}' are expired.", time);

    public static IResult InvalidAssertion(string clientId, string reason, TimeProvider time) =>
        Create(401, "invalid_client", 700027, $"Client assertion failed signature validation for app '{clientId}': {reason}.", time);

    public static IResult MissingCredential(TimeProvider time) =>
        Create(401, "invalid_client", 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.", time);

    public static IResult AppDisabled(string clientId, TimeProvider time) =>
        Create(400, "unauthorized_client", 7000112, $"Application '{clientId}' is disabled.", time);

    public static IResult UnknownResource(string resource, TimeProvider time) =>
        Create(400, "invalid_resource", 500011, $"The resource principal named {resource} was not found in the tenant.", time);

    public static IResult InvalidScope(string scope, TimeProvider time) =>
        Create(400, "invalid_scope", 1002012, $"The provided value for scope {scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).", time);

    public static IResult UnsupportedGrant(string? grant, TimeProvider time) =>
        Create(400, "unsupported_grant_type", 70003, $"The app requested an unsupported grant type '{grant}'.", time);
}
