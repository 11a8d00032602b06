using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Azure.Core;
using Azure.Core.Pipeline;
using Defender365.Toolkit.Authentication;
using Defender365.Toolkit.Authorization;

namespace Defender365.Toolkit.Http;

/// <summary>
/// Puts the tenant's bearer token on each attempt and, before the first byte is sent, checks that the token is for the
/// API called (<c>aud</c>) and the tenant asked for (<c>tid</c>), and that <see cref="RoleCheck"/> finds a permission
/// the operation accepts (<see cref="MissingPermissionException"/> otherwise). A 401 from the API drops the refused token and sends once more
/// with a fresh one.
/// </summary>
/// <remarks>
/// A refusal (a missing role, a 401) forces a fresh token at most once per tenant and API within
/// <see cref="DefenderClientOptions.TokenRefreshInterval"/>: fifty refused calls cost one token request, not fifty, and
/// the tenant's tokens for other APIs are left alone. Forcing needs a <see cref="DefenderAppCredential"/>; other
/// credentials serve what they serve.
/// </remarks>
internal sealed class TenantAuthenticationPolicy : AsyncPipelinePolicy
{
    // Claims per token instance: the credential hands out the same string while the token is cached, so this is a
    // reference lookup rather than a parse per call; entries die with the token.
    private static readonly ConditionalWeakTable<string, AccessTokenClaims> ClaimsByToken = [];

    private readonly TokenCredential _credential;
    private readonly DefenderClientOptions _options;

    // A tenant named by domain: the tenant id of the first token served for it. Every later token must carry the same:
    // a domain gives no other way to see that a token is another tenant's.
    private readonly ConcurrentDictionary<string, string> _tenantIdsByName = new(StringComparer.OrdinalIgnoreCase);

    public TenantAuthenticationPolicy(TokenCredential credential, DefenderClientOptions options)
    {
        _credential = credential;
        _options = options;
    }

    protected override async ValueTask ProcessCoreAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline, bool async)
    {
        var call = DefenderCallContext.Of(message);
        var token = await AuthorizeAsync(message, call, async).ConfigureAwait(false);
        await SendNextAsync(message, pipeline, async).ConfigureAwait(false);

        // A revoked or rotated token stays in every cache until it expires: drop it and try once with a fresh one.
        if (message.Response.Status == 401 && TryForceRefresh(call, token))
        {
            message.Response.ContentStream?.Dispose();
            await AuthorizeAsync(message, call, async).ConfigureAwait(false);
            await SendNextAsync(message, pipeline, async).ConfigureAwait(false);
        }
    }

    private async ValueTask<string> AuthorizeAsync(HttpMessage message, DefenderCallContext call, bool async)
    {
        var request = new TokenRequestContext([call.Endpoint.DefaultScope], tenantId: call.TenantId);
        var token = await GetTokenAsync(request, message.CancellationToken, async).ConfigureAwait(false);

        // Opaque tokens cannot be inspected: the API stays the judge.
        if (ClaimsOf(token.Token) is { } claims)
        {
            CheckAudience(call, claims);
            CheckTenant(call, claims);
            if (_options.ValidatePermissions && !RoleCheck.Grants(call.Operation, claims)
                && _options.RefreshTokenBeforeReportingMissingPermission
                && TryForceRefresh(call, token.Token))
            {
                // Consent granted after this token was issued shows only in a new token: ask once before failing.
                token = await GetTokenAsync(request, message.CancellationToken, async).ConfigureAwait(false);
                claims = ClaimsOf(token.Token) ?? claims;
                CheckAudience(call, claims);
                CheckTenant(call, claims);
            }

            if (_options.ValidatePermissions && !RoleCheck.Grants(call.Operation, claims))
            {
                throw RoleCheck.Missing(call.Operation, call.TenantId, claims, _options.Cloud, call.Endpoint.AuthorityHost);
            }
        }

        message.Request.Headers.SetValue(HttpHeader.Names.Authorization, "Bearer " + token.Token);
        return token.Token;
    }

    private bool TryForceRefresh(DefenderCallContext call, string refusedToken) =>
        _credential is IRefreshableTokenCredential refreshable
        && refreshable.TryInvalidate(call.TenantId, call.Endpoint.DefaultScope, refusedToken, _options.TokenRefreshInterval);

    private async ValueTask<AccessToken> GetTokenAsync(TokenRequestContext request, CancellationToken cancellationToken, bool async) =>
        async
            ? await _credential.GetTokenAsync(request, cancellationToken).ConfigureAwait(false)
            : _credential.GetToken(request, cancellationToken);

    private static AccessTokenClaims? ClaimsOf(string token)
    {
        if (ClaimsByToken.TryGetValue(token, out var claims))
        {
            return claims;
        }

        if (!AccessTokenClaims.TryParse(token, out claims))
        {
            return null;
        }

        ClaimsByToken.AddOrUpdate(token, claims);
        return claims;
    }

    // A token for another API would be refused by it with a 401 at best, and would tempt a "missing permission" report
    // that tells the user to consent to something they already have.
    private static void CheckAudience(DefenderCallContext call, AccessTokenClaims claims)
    {
        var resource = call.Operation.Resource;
        if (claims.Audience is { } audience && !resource.AcceptsAudience(audience))
        {
            throw new DefenderAuthenticationException(
                $"The credential returned a token for audience '{audience}' for a call to {resource.DisplayName} ({call.Operation.Id}), which accepts tokens for '{call.Endpoint.Audience}'; the call was not sent. A credential must get the token for the scope the pipeline asks for ('{call.Endpoint.DefaultScope}').",
                DefenderAuthenticationFailure.WrongAudienceInToken,
                call.TenantId,
                claims.AppId ?? string.Empty);
        }
    }

    private void CheckTenant(DefenderCallContext call, AccessTokenClaims claims)
    {
        if (!Guid.TryParse(claims.TenantId, out var issued))
        {
            return;
        }

        if (Guid.TryParse(call.TenantId, out var requested))
        {
            if (requested != issued)
            {
                throw WrongTenant(call, claims, $"The credential returned a token for tenant '{claims.TenantId}' for a call to tenant '{call.TenantId}'; the call was not sent.");
            }

            return;
        }

        var pinned = _tenantIdsByName.GetOrAdd(call.TenantId, claims.TenantId!);
        if (!string.Equals(pinned, claims.TenantId, StringComparison.OrdinalIgnoreCase))
        {
            throw WrongTenant(call, claims, $"The credential returned a token for tenant '{claims.TenantId}' for a call to '{call.TenantId}', which is tenant '{pinned}' (its id in the first token served for it); the call was not sent.");
        }
    }

    private static DefenderAuthenticationException WrongTenant(DefenderCallContext call, AccessTokenClaims claims, string message) =>
        new(message, DefenderAuthenticationFailure.WrongTenantInToken, call.TenantId, claims.AppId ?? string.Empty);
}
