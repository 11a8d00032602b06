namespace Defender365.Toolkit.Authentication;

/// <summary>
/// A credential that can drop a token a service refused, so that the next request gets a fresh one from the token
/// service. The HTTP pipeline uses it before it reports a missing permission or gives up on a 401: a cached token keeps
/// the roles it was issued with, and consent granted since shows only in a new token. <see cref="DefenderAppCredential"/>
/// implements it; any other <c>TokenCredential</c> can, to take part in that step.
/// </summary>
public interface IRefreshableTokenCredential
{
    /// <summary>
    /// Drops the cached token of a tenant and scope if it is still <paramref name="refusedToken"/>, at most once per
    /// <paramref name="minimumInterval"/> for that tenant and scope (the token service throttles apps that ask on every
    /// call).
    /// </summary>
    /// <param name="tenantId">The tenant the token is for.</param>
    /// <param name="scope">Its <c>/.default</c> scope.</param>
    /// <param name="refusedToken">The token the service refused (a newer cached token is kept).</param>
    /// <param name="minimumInterval">The least time between two forced refreshes of this tenant and scope.</param>
    /// <returns>Whether the token was dropped, so that asking again gets a fresh one.</returns>
    bool TryInvalidate(string tenantId, string scope, string refusedToken, TimeSpan minimumInterval);
}
