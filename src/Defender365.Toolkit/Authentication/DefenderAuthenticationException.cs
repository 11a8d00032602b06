namespace Defender365.Toolkit.Authentication;

/// <summary>
/// A token for a tenant could not be acquired. <see cref="Failure"/> says why; the message says what to do.
/// Catch the derived types for the common cases. Messages never contain the client secret or a token.
/// </summary>
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

/// <summary>The client credential (secret, certificate or assertion) was rejected or has expired. The same failure hits every tenant.</summary>
public sealed class DefenderInvalidCredentialException : DefenderAuthenticationException
{
    /// <summary>Creates the exception.</summary>
    public DefenderInvalidCredentialException(string message, DefenderAuthenticationFailure failure, string tenantId, string clientId, Exception? innerException = null)
        : base(message, failure, tenantId, clientId, innerException)
    {
    }
}

/// <summary>The tenant does not exist in the configured cloud.</summary>
public sealed class DefenderTenantNotFoundException : DefenderAuthenticationException
{
    /// <summary>Creates the exception.</summary>
    public DefenderTenantNotFoundException(string message, string tenantId, string clientId, Exception? innerException = null)
        : base(message, DefenderAuthenticationFailure.TenantNotFound, tenantId, clientId, innerException)
    {
    }
}

/// <summary>The application is disabled by its publisher or by the tenant's administrator.</summary>
public sealed class DefenderAppDisabledException : DefenderAuthenticationException
{
    /// <summary>Creates the exception.</summary>
    public DefenderAppDisabledException(string message, string tenantId, string clientId, Exception? innerException = null)
        : base(message, DefenderAuthenticationFailure.AppDisabled, tenantId, clientId, innerException)
    {
    }
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
