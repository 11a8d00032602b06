namespace Defender365.Toolkit.Authentication;

/// <summary>Why a token could not be acquired, classified from the Entra ID (AADSTS) error codes.</summary>
public enum DefenderAuthenticationFailure
{
    /// <summary>Not classified; see the inner exception and <see cref="DefenderAuthenticationException.ErrorCodes"/>.</summary>
    Unknown = 0,

    /// <summary>The app has no service principal in the tenant: never consented, consent removed, or a wrong tenant or client id (AADSTS700016, 7000229, 65001).</summary>
    NotConsented,

    /// <summary>The tenant does not exist in this cloud (AADSTS90002).</summary>
    TenantNotFound,

    /// <summary>The client secret was rejected (AADSTS7000215, 70002), often because the secret's id was configured instead of its value.</summary>
    InvalidClientSecret,

    /// <summary>The client secret has expired (AADSTS7000222).</summary>
    ClientSecretExpired,

    /// <summary>The certificate or client assertion was rejected, expired or not registered (AADSTS700027, 7000274, 50012, 700024, 1000502, 7000214, 7000277).</summary>
    InvalidClientCertificate,

    /// <summary>The application is disabled by its publisher or by the tenant (AADSTS7000112, 70001, 1000031).</summary>
    AppDisabled,

    /// <summary>The tenant lacks the API (no Defender licence or the resource principal is absent: AADSTS500011, 650052).</summary>
    ApiNotProvisioned,

    /// <summary>The tenant is in another cloud than the one configured (AADSTS90038, 900432, 900382).</summary>
    WrongCloud,

    /// <summary>A tenant policy (Conditional Access for workload identities) blocked the sign-in (AADSTS53003, 530032).</summary>
    BlockedByTenantPolicy,

    /// <summary>The token service throttled the request (HTTP 429, AADSTS50196, 90055).</summary>
    Throttled,

    /// <summary>The token service or the network was unavailable; retrying later may succeed.</summary>
    Transient,

    /// <summary>The tenant is not on the credential's allow-list; nothing was sent.</summary>
    TenantNotAllowed,

    /// <summary>The token service returned a token for another tenant than the one requested; it was discarded.</summary>
    WrongTenantInToken,

    /// <summary>The credential returned a token for another API than the one called (its <c>aud</c>); the call was not sent.</summary>
    WrongAudienceInToken,
}
