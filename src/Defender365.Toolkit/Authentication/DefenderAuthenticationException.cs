namespace Defender365.Toolkit.Authentication;

/// <summary>
/// A token for a tenant could not be acquired. <see cref="Failure"/> says why; the message says what to do. Two derived
/// types carry more: <see cref="DefenderConsentRequiredException"/> the tenant's admin-consent link, and
/// <see cref="DefenderTenantNotAllowedException"/> a tenant the app's own allow-list refused before anything was sent.
/// Messages never contain the client secret or a token.
/// </summary>
/// <example>
/// <code>
/// catch (DefenderAuthenticationException e) when (e.IsCredentialRejected)
/// {
///     // The app's secret or certificate: every tenant fails alike, so stop the fan-out and rotate it.
/// }
/// </code>
/// </example>
public class DefenderAuthenticationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DefenderAuthenticationException(string message, DefenderAuthenticationFailure failure, string tenantId, string clientId, Exception? innerException = null)
        : base(message, innerException)
    {
        Failure = failure;
        TenantId = tenantId;
        ClientId = clientId;
    }

    /// <summary>The classified cause.</summary>
    public DefenderAuthenticationFailure Failure { get; }

    /// <summary>The tenant the token was requested for.</summary>
    public string TenantId { get; }

    /// <summary>The app (client) id.</summary>
    public string ClientId { get; }

    /// <summary>The AADSTS codes the token service returned, if any (e.g. <c>700016</c>).</summary>
    public IReadOnlyList<string> ErrorCodes { get; internal set; } = [];

    /// <summary>The OAuth <c>error</c> value (e.g. <c>unauthorized_client</c>).</summary>
    public string? Error { get; internal set; }

    /// <summary>Entra ID's <c>trace_id</c>, for a support request.</summary>
    public string? TraceId { get; internal set; }

    /// <summary>Entra ID's <c>correlation_id</c>, for a support request.</summary>
    public string? CorrelationId { get; internal set; }

    /// <summary>How long the token service asked to wait, when it throttled.</summary>
    public TimeSpan? RetryAfter { get; internal set; }

    /// <summary>Whether trying again later may succeed without changing configuration.</summary>
    public bool IsTransient => Failure is DefenderAuthenticationFailure.Transient or DefenderAuthenticationFailure.Throttled;

    /// <summary>
    /// Whether the app's own credential (secret, certificate or assertion) was rejected or has expired: the same failure
    /// then hits every tenant.
    /// </summary>
    public bool IsCredentialRejected => Failure is DefenderAuthenticationFailure.InvalidClientSecret
        or DefenderAuthenticationFailure.ClientSecretExpired
        or DefenderAuthenticationFailure.InvalidClientCertificate;
}

/// <summary>The app is not consented in the tenant (or the tenant lacks the API). <see cref="AdminConsentUrl"/> is the link its administrator opens.</summary>
public sealed class DefenderConsentRequiredException : DefenderAuthenticationException
{
    /// <summary>Creates the exception.</summary>
    public DefenderConsentRequiredException(string message, DefenderAuthenticationFailure failure, string tenantId, string clientId, Uri adminConsentUrl, Exception? innerException = null)
        : base(message, failure, tenantId, clientId, innerException)
    {
        AdminConsentUrl = adminConsentUrl;
    }

    /// <summary>The admin-consent link for <see cref="DefenderAuthenticationException.TenantId"/>.</summary>
    public Uri AdminConsentUrl { get; }
}

/// <summary>The tenant is not on the credential's allow-list (<see cref="DefenderAppCredentialOptions.AllowedTenants"/>). No request was sent.</summary>
public sealed class DefenderTenantNotAllowedException : DefenderAuthenticationException
{
    /// <summary>Creates the exception.</summary>
    public DefenderTenantNotAllowedException(string tenantId, string clientId)
        : base(
            $"The credential is not configured for tenant '{tenantId}'. Add the tenant to {nameof(DefenderAppCredentialOptions)}.{nameof(DefenderAppCredentialOptions.AllowedTenants)} (or \"*\" to allow any tenant).",
            DefenderAuthenticationFailure.TenantNotAllowed,
            tenantId,
            clientId)
    {
    }
}
