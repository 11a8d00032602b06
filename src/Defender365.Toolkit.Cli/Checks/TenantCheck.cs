using Defender365.Toolkit.Authentication;
using Defender365.Toolkit.Authorization;
using Defender365.Toolkit.Catalog;

namespace Defender365.Toolkit.Cli.Checks;

/// <summary>What a tenant grants the app, per resource: one token each, decoded here, compared with what is declared.</summary>
internal static class TenantCheck
{
    /// <summary>
    /// Acquires a token per resource of <paramref name="declared"/> for the tenant and compares its roles. Sign-in
    /// failures are part of the result, not exceptions, except cancellation.
    /// </summary>
    public static async Task<TenantReport> RunAsync(
        DefenderAppCredential credential, string tenant, IReadOnlyDictionary<string, IReadOnlyList<string>> declared, CancellationToken cancellationToken)
    {
        var resources = new List<ResourceReport>(declared.Count);
        foreach (var (resourceId, permissions) in declared)
        {
            var resource = DefenderCatalog.Default.GetResource(resourceId);
            try
            {
                var token = await credential.GetTokenAsync(tenant, resourceId, cancellationToken).ConfigureAwait(false);
                var claims = AccessTokenClaims.Parse(token.Token);
                var drift = ConsentDrift.Compare(tenant, resource, permissions, claims.Roles);
                resources.Add(new ResourceReport(resource, claims, drift, token.Token));
            }
            catch (DefenderAuthenticationException e)
            {
                return TenantReport.Failed(tenant, e);
            }
        }

        // Consent is granted per resource: the link is for the first resource that lacks something.
        var incomplete = resources.FirstOrDefault(r => !r.Drift.IsComplete);
        var consentUrl = incomplete is null ? null : credential.GetAdminConsentUrl(tenant, incomplete.Resource.Id);
        return new TenantReport(tenant, resources, Failure: null, Message: null, consentUrl);
    }
}

/// <summary>The result for one tenant: per-resource drift, or why no token could be had.</summary>
/// <param name="Tenant">The tenant id or domain as given.</param>
/// <param name="Resources">One entry per declared resource (empty when signing in failed).</param>
/// <param name="Failure">Why signing in failed, or null.</param>
/// <param name="Message">The sign-in failure's message (never holds a secret or token), or null.</param>
/// <param name="ConsentUrl">Where the tenant's administrator grants what is missing, or null.</param>
internal sealed record TenantReport(string Tenant, IReadOnlyList<ResourceReport> Resources, DefenderAuthenticationFailure? Failure, string? Message, Uri? ConsentUrl)
{
    /// <summary>Every declared permission is granted.</summary>
    public bool IsHealthy => Failure is null && Resources.All(r => r.Drift.IsComplete);

    /// <summary>The credential itself was rejected: the same failure hits every tenant, so it is the app's configuration.</summary>
    public bool IsCredentialProblem => Failure is DefenderAuthenticationFailure.InvalidClientSecret or DefenderAuthenticationFailure.ClientSecretExpired
        or DefenderAuthenticationFailure.InvalidClientCertificate;

    /// <summary>The token service could not be reached or was temporarily unavailable: nothing about the tenant is known.</summary>
    public bool IsUnavailable => Failure is DefenderAuthenticationFailure.Transient;

    /// <summary>One word for tables and JSON.</summary>
    public string Status => Failure switch
    {
        null when IsHealthy => Resources.Any(r => r.Drift.Extra.Count > 0) ? "ok-extra" : "ok",
        null => "missing",
        DefenderAuthenticationFailure.NotConsented or DefenderAuthenticationFailure.ApiNotProvisioned => "not-consented",
        DefenderAuthenticationFailure.TenantNotFound => "unknown-tenant",
        DefenderAuthenticationFailure.Transient => "unavailable",
        _ when IsCredentialProblem => "credential-rejected",
        _ => "failed",
    };

    public IEnumerable<string> Missing => Resources.SelectMany(r => r.Drift.Missing);

    public IEnumerable<string> Extra => Resources.SelectMany(r => r.Drift.Extra);

    public static TenantReport Failed(string tenant, DefenderAuthenticationException e) =>
        new(tenant, [], e.Failure, e.Message, (e as DefenderConsentRequiredException)?.AdminConsentUrl);
}

/// <summary>One resource's token for a tenant, decoded, and its drift from the manifest.</summary>
/// <param name="Resource">The API resource.</param>
/// <param name="Claims">The token's claims.</param>
/// <param name="Drift">Declared against granted.</param>
/// <param name="AccessToken">The token itself: printed only by 'token --raw'.</param>
internal sealed record ResourceReport(DefenderResource Resource, AccessTokenClaims Claims, ConsentDrift Drift, string AccessToken)
{
    // A record prints its members; this one must never print the token.
    public override string ToString() => $"{Resource.Id}: {Drift}";
}
