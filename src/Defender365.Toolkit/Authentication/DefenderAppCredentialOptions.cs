using Defender365.Toolkit.Authentication.SharedCache;
using Defender365.Toolkit.Catalog;
using Microsoft.Extensions.Logging;
using Microsoft.Identity.Client;

namespace Defender365.Toolkit.Authentication;

/// <summary>Options of <see cref="DefenderAppCredential"/>. Read once, when the credential is created.</summary>
public sealed class DefenderAppCredentialOptions
{
    /// <summary>The smallest <see cref="RefreshMargin"/>: MSAL itself treats tokens that expire within five minutes as expired.</summary>
    public static readonly TimeSpan MinimumRefreshMargin = TimeSpan.FromMinutes(5);

    /// <summary>The cloud the app registration and its customer tenants live in. Default: <see cref="DefenderCloud.Commercial"/>.</summary>
    public DefenderCloud Cloud { get; set; } = DefenderCloud.Commercial;

    /// <summary>
    /// Overrides the cloud's sign-in host (<c>https://login.microsoftonline.com</c>…). Must be HTTPS. Used for the local
    /// emulator; leave unset for Entra ID.
    /// </summary>
    public Uri? AuthorityHost { get; set; }

    /// <summary>
    /// The tenants the credential may acquire tokens for: tenant ids or domains, or <c>"*"</c> for any tenant.
    /// Empty means none: a request for a tenant not listed fails with <see cref="DefenderTenantNotAllowedException"/>
    /// before anything is sent, so a tenant id taken from untrusted input cannot make the app act in another tenant.
    /// </summary>
    public IList<string> AllowedTenants { get; } = [];

    /// <summary>
    /// How long before its expiry a cached token is replaced. Default and minimum: five minutes
    /// (<see cref="MinimumRefreshMargin"/>), so a token handed out is valid long enough for a slow call.
    /// </summary>
    public TimeSpan RefreshMargin { get; set; } = MinimumRefreshMargin;

    /// <summary>
    /// The HTTP client MSAL uses to reach the token service; <see langword="null"/> uses MSAL's default. Tests and the
    /// emulator pass one that trusts the emulator's own certificate.
    /// </summary>
    public IMsalHttpClientFactory? HttpClientFactory { get; set; }

    /// <summary>
    /// Number of MSAL client applications the tenants are spread over (by hash). Each serializes the token requests it
    /// saves; spreading lets a cold start over thousands of tenants save them side by side. Default 16; 1 to 256.
    /// </summary>
    public int ClientApplicationShards { get; set; } = 16;

    /// <summary>
    /// The most tokens (one per tenant and API) this process keeps. Past it, a sweep drops the least recently used
    /// (logged once an hour, event <c>TokenCacheFull</c>); they are requested again when next used, from the
    /// <see cref="SharedTokenCache"/> if there is one. Tokens are also dropped a few minutes after they stop being
    /// served. Default 100,000: a tenant's token costs about 3 KB, most of it the token itself (docs/hosting.md gives
    /// the measured figures). At least 1.
    /// </summary>
    public int MaxCachedTokens { get; set; } = TenantTokenCache.DefaultCapacity;

    /// <summary>
    /// Where token acquisitions and failures are logged (category <c>Defender365.Toolkit.Authentication</c>): tenant,
    /// scope, expiry, AADSTS codes, never the token or the secret. Default: none. Set by <c>AddDefenderClient</c>.
    /// </summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>
    /// A token cache shared by the app's instances (Redis, usually), under this process's own: a tenant's token is then
    /// requested once for all instances. Default: none, each instance asks for its own. <c>AddDefenderRedis</c> of
    /// <c>Defender365.Toolkit.Redis</c> sets it up.
    /// </summary>
    public DefenderSharedTokenCache? SharedTokenCache { get; set; }

    /// <summary>The clock the token cache uses for expiry. Default: <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    internal void Validate()
    {
        if (AuthorityHost is { } host && host.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException($"{nameof(AuthorityHost)} must use HTTPS (MSAL refuses other schemes); got '{host.Scheme}'.", nameof(AuthorityHost));
        }

        if (RefreshMargin < MinimumRefreshMargin)
        {
            throw new ArgumentOutOfRangeException(nameof(RefreshMargin), RefreshMargin, $"{nameof(RefreshMargin)} must be at least {MinimumRefreshMargin.TotalMinutes} minutes.");
        }

        if (ClientApplicationShards is < 1 or > 256)
        {
            throw new ArgumentOutOfRangeException(nameof(ClientApplicationShards), ClientApplicationShards, "Use 1 to 256 shards.");
        }

        if (MaxCachedTokens < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxCachedTokens), MaxCachedTokens, $"{nameof(MaxCachedTokens)} must be at least 1.");
        }

        if (!Enum.IsDefined(Cloud))
        {
            throw new ArgumentOutOfRangeException(nameof(Cloud), Cloud, "Unknown cloud.");
        }

        ArgumentNullException.ThrowIfNull(TimeProvider);
        if (AllowedTenants.FirstOrDefault(DefenderAppCredential.IsMultiTenantAlias) is { } alias)
        {
            throw new ArgumentException(DefenderAppCredential.AliasMessage(alias), nameof(AllowedTenants));
        }
    }
}
