using Defender365.Toolkit.Authentication;
using Defender365.Toolkit.Catalog;

namespace Defender365.Toolkit.Authorization;

/// <summary>
/// Whether a token lets its holder call an operation: an app-only token's <c>roles</c> (or a delegated token's
/// <c>scp</c>) must hold a permission the operation accepts, where a ReadWrite permission covers its Read
/// (<see cref="DefenderResource.IsSatisfiedBy"/>). Called by the HTTP pipeline before anything is sent.
/// </summary>
internal static class RoleCheck
{
    /// <summary>Whether <paramref name="claims"/> grant a permission <paramref name="operation"/> accepts.</summary>
    public static bool Grants(DefenderOperation operation, AccessTokenClaims claims) =>
        claims.IsAppOnly
            ? operation.Resource.IsSatisfiedBy(operation.ApplicationPermissions, claims.Roles)
            : operation.Resource.IsSatisfiedBy(operation.DelegatedPermissions, claims.Scopes);

    /// <summary>
    /// The error for a token that does not grant the operation: what it needs, what the token holds, and where the
    /// tenant's administrator consents (when the token names the app).
    /// </summary>
    /// <param name="operation">The operation refused.</param>
    /// <param name="tenantId">The tenant as the caller named it.</param>
    /// <param name="claims">The token's claims.</param>
    /// <param name="cloud">The cloud, for the consent link.</param>
    /// <param name="authorityHost">The sign-in host the consent link points at.</param>
    public static MissingPermissionException Missing(DefenderOperation operation, string tenantId, AccessTokenClaims claims, DefenderCloud cloud, Uri authorityHost)
    {
        Uri? consent = null;
        if (Guid.TryParse(claims.AppId, out _))
        {
            consent = AdminConsentLinks.AdminConsentUrl(claims.AppId!, tenantId, cloud, operation.Resource.Id, authorityHost: authorityHost);
        }

        return new MissingPermissionException(
            operation.Id,
            tenantId,
            operation.Resource.Id,
            operation.Resource.DisplayName,
            claims.IsAppOnly ? operation.ApplicationPermissions : operation.DelegatedPermissions,
            claims.IsAppOnly ? claims.Roles : claims.Scopes,
            consent);
    }
}
