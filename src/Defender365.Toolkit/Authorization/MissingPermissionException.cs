namespace Defender365.Toolkit.Authorization;

/// <summary>
/// The token for a tenant lacks every permission an operation accepts. Thrown before the request is sent. The message
/// names the operation, the tenant, the least-privileged permission to grant and the admin-consent link.
/// </summary>
public sealed class MissingPermissionException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MissingPermissionException(string operationId, string tenantId, string resourceId, string resourceDisplayName, IReadOnlyList<string> requiredAnyOf, IReadOnlyList<string> granted, Uri? adminConsentUrl)
        : base(BuildMessage(operationId, tenantId, resourceDisplayName, requiredAnyOf, granted, adminConsentUrl))
    {
        OperationId = operationId;
        TenantId = tenantId;
        ResourceId = resourceId;
        RequiredAnyOf = requiredAnyOf;
        Granted = granted;
        AdminConsentUrl = adminConsentUrl;
    }

    /// <summary>The catalog operation that was refused.</summary>
    public string OperationId { get; }

    /// <summary>The tenant whose token lacks the permission.</summary>
    public string TenantId { get; }

    /// <summary>The API resource (one of <see cref="Catalog.DefenderResourceIds"/>).</summary>
    public string ResourceId { get; }

    /// <summary>The permissions the operation accepts; any one suffices.</summary>
    public IReadOnlyList<string> RequiredAnyOf { get; }

    /// <summary>The least-privileged permission that would allow the call: the one to add and consent.</summary>
    public string LeastPrivilegedPermission => RequiredAnyOf.Count > 0 ? RequiredAnyOf[0] : string.Empty;

    /// <summary>The permissions the token holds.</summary>
    public IReadOnlyList<string> Granted { get; }

    /// <summary>The link the tenant's administrator opens to consent, when the app id is known.</summary>
    public Uri? AdminConsentUrl { get; }

    private static string BuildMessage(string operationId, string tenantId, string resource, IReadOnlyList<string> requiredAnyOf, IReadOnlyList<string> granted, Uri? consentUrl)
    {
        var grantedText = granted.Count == 0 ? "no permissions" : string.Join(", ", granted);
        var least = requiredAnyOf.Count > 0 ? requiredAnyOf[0] : "?";
        var consent = consentUrl is null
            ? "then have the tenant's administrator grant admin consent again."
            : $"then have the tenant's administrator consent at {consentUrl}";
        return $"{operationId} needs {(requiredAnyOf.Count > 1 ? "one of " : string.Empty)}{string.Join(", ", requiredAnyOf)} on {resource}, " +
               $"but the token for tenant '{tenantId}' grants {grantedText}. Nothing was sent. " +
               $"If the app registration does not request {least} yet, add it there and in defender-scopes.json; {consent}";
    }
}
