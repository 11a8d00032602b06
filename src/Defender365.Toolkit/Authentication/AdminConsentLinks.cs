using System.Text;
using Defender365.Toolkit.Catalog;

namespace Defender365.Toolkit.Authentication;

/// <summary>
/// Builds the links a customer tenant's administrator opens to grant the app's permissions (admin consent).
/// Application permissions are granted for the whole tenant, once per permission set; after a new permission
/// is added to the app, each tenant must consent again.
/// </summary>
public static class AdminConsentLinks
{
    /// <summary>
    /// The v2 admin-consent endpoint: <c>{authority}/{tenant}/v2.0/adminconsent?client_id=…&amp;scope={resource}/.default</c>.
    /// It grants every permission configured on the app registration for the resource. After consent the browser
    /// returns to <paramref name="redirectUri"/> with <c>admin_consent=True&amp;tenant={id}</c>; the tenant value is not
    /// authenticated, so confirm it by acquiring a token for it.
    /// </summary>
    /// <param name="clientId">The app's (client) id.</param>
    /// <param name="tenantId">The customer tenant id or domain; <c>organizations</c> lets the admin's sign-in pick it. <c>common</c> is not accepted here.</param>
    /// <param name="cloud">The cloud of the tenant.</param>
    /// <param name="resourceId">The resource whose permissions are requested (one of <see cref="DefenderResourceIds"/>).</param>
    /// <param name="redirectUri">A redirect URI registered on the app; omitted from the link when <see langword="null"/>.</param>
    /// <param name="state">Opaque value returned on the redirect, to correlate the answer.</param>
    /// <param name="authorityHost">Overrides the cloud's sign-in host (for example the local emulator).</param>
    public static Uri AdminConsentUrl(
        string clientId,
        string tenantId = "organizations",
        DefenderCloud cloud = DefenderCloud.Commercial,
        string resourceId = DefenderResourceIds.ThreatProtection,
        Uri? redirectUri = null,
        string? state = null,
        Uri? authorityHost = null)
    {
        ValidateClientId(clientId);
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        if (string.Equals(tenantId, "common", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException("The v2 admin-consent endpoint does not accept 'common'; use the tenant id or 'organizations'.", nameof(tenantId));
        }

        var endpoint = DefenderCatalog.Default.GetResource(resourceId).GetEndpoint(cloud);
        var query = new StringBuilder()
            .Append("client_id=").Append(Uri.EscapeDataString(clientId))
            .Append("&scope=").Append(Uri.EscapeDataString(endpoint.DefaultScope));
        AppendOptional(query, "redirect_uri", redirectUri?.AbsoluteUri);
        AppendOptional(query, "state", state);
        return new Uri(Host(authorityHost ?? endpoint.AuthorityHost), $"{Uri.EscapeDataString(tenantId)}/v2.0/adminconsent?{query}");
    }

    /// <summary>
    /// The v1 form that the Defender partner documentation gives:
    /// <c>{authority}/{tenant}/oauth2/authorize?prompt=consent&amp;client_id=…&amp;response_type=code&amp;sso_reload=true</c>.
    /// An administrator of the customer tenant signs in and consents for the organization.
    /// </summary>
    /// <param name="clientId">The app's (client) id.</param>
    /// <param name="tenantId">The customer tenant id or domain, or <c>common</c> to let the sign-in pick it.</param>
    /// <param name="cloud">The cloud of the tenant.</param>
    /// <param name="redirectUri">A redirect URI registered on the app; omitted when <see langword="null"/>.</param>
    /// <param name="authorityHost">Overrides the cloud's sign-in host (for example the local emulator).</param>
    public static Uri LegacyConsentUrl(
        string clientId,
        string tenantId = "common",
        DefenderCloud cloud = DefenderCloud.Commercial,
        Uri? redirectUri = null,
        Uri? authorityHost = null)
    {
        ValidateClientId(clientId);
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        var endpoint = DefenderCatalog.Default.GetResource(DefenderResourceIds.ThreatProtection).GetEndpoint(cloud);
        var query = new StringBuilder()
            .Append("prompt=consent&client_id=").Append(Uri.EscapeDataString(clientId))
            .Append("&response_type=code&sso_reload=true");
        AppendOptional(query, "redirect_uri", redirectUri?.AbsoluteUri);
        return new Uri(Host(authorityHost ?? endpoint.AuthorityHost), $"{Uri.EscapeDataString(tenantId)}/oauth2/authorize?{query}");
    }

    private static void ValidateClientId(string clientId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(clientId);
        if (!Guid.TryParse(clientId, out _))
        {
            throw new ArgumentException("The client id is the app registration's 'Application (client) ID', a GUID.", nameof(clientId));
        }
    }

    private static Uri Host(Uri authorityHost) => new(authorityHost.GetLeftPart(UriPartial.Authority) + "/");

    private static void AppendOptional(StringBuilder query, string name, string? value)
    {
        if (value is not null)
        {
            query.Append('&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
        }
    }
}
