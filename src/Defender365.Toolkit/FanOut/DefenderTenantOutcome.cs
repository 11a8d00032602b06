namespace Defender365.Toolkit.FanOut;

/// <summary>What became of one tenant's work in a fan-out (<see cref="DefenderTenantResult{T}.Outcome"/>).</summary>
public enum DefenderTenantOutcome
{
    /// <summary>The work returned a value.</summary>
    Succeeded,

    /// <summary>
    /// The app has no admin consent in the tenant (or not for the API called):
    /// <see cref="DefenderTenantResult{T}.AdminConsentUrl"/> is the link its administrator opens.
    /// </summary>
    NotConsented,

    /// <summary>
    /// The app is consented, but not to a permission the call needs: <see cref="DefenderTenantResult{T}.MissingPermission"/>
    /// names it and <see cref="DefenderTenantResult{T}.AdminConsentUrl"/> grants it.
    /// </summary>
    MissingPermission,

    /// <summary>
    /// The tenant may not be served: not on the credential's allowed tenants, blocked by its policies, the app disabled
    /// there, or a 403 from the service for another reason than a permission.
    /// </summary>
    NotAllowed,

    /// <summary>
    /// Throttled beyond the retries, or held back by the tenant's quota: <see cref="DefenderTenantResult{T}.RetryAfter"/>
    /// says when to try again, when known.
    /// </summary>
    Throttled,

    /// <summary>The service answered with an error: <see cref="DefenderTenantResult{T}.Status"/> and <see cref="DefenderTenantResult{T}.ErrorCode"/>.</summary>
    ServiceError,

    /// <summary>The service or the token service could not be reached, or did not answer in time, after the retries.</summary>
    Unavailable,

    /// <summary>
    /// The app's own sign-in was refused (a wrong or expired secret or certificate): every tenant fails alike until the
    /// credential is fixed.
    /// </summary>
    CredentialRejected,

    /// <summary>Anything else the work threw: <see cref="DefenderTenantResult{T}.Exception"/>.</summary>
    Failed,
}
