using System.Runtime.CompilerServices;
using Azure.Core;
using Azure.Core.Pipeline;
using Defender365.Toolkit.Authentication;
using Defender365.Toolkit.Authorization;
using Defender365.Toolkit.Catalog;

namespace Defender365.Toolkit.Http;

/// <summary>
/// Puts the tenant's bearer token on each attempt and, before the first byte is sent, checks that the token grants a
/// permission the operation accepts (<see cref="MissingPermissionException"/> otherwise) and belongs to the tenant.
/// </summary>
internal sealed class TenantAuthenticationPolicy : HttpPipelinePolicy
{
    // Claims per token instance: the credential hands out the same string while the token is cached, so this is a
    // reference lookup rather than a parse per call; entries die with the token.
    private static readonly ConditionalWeakTable<string, AccessTokenClaims> ClaimsByToken = [];

    private readonly TokenCredential _credential;
    private readonly DefenderClientOptions _options;

    public TenantAuthenticationPolicy(TokenCredential credential, DefenderClientOptions options)
    {
        _credential = credential;
        _options = options;
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        await AuthorizeAsync(message, async: true).ConfigureAwait(false);
        await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        AuthorizeAsync(message, async: false).AsTask().GetAwaiter().GetResult();
        ProcessNext(message, pipeline);
    }

    private async ValueTask AuthorizeAsync(HttpMessage message, bool async)
    {
        var call = DefenderCallContext.Of(message);
        var request = new TokenRequestContext([call.Endpoint.DefaultScope], tenantId: call.TenantId);
        var token = await GetTokenAsync(request, message.CancellationToken, async).ConfigureAwait(false);

        if (_options.ValidatePermissions && ClaimsOf(token.Token) is { } claims)
        {
            CheckTenant(call, claims);
            if (!Grants(call.Operation, claims)
                && _options.RefreshTokenBeforeReportingMissingPermission
                && _credential is DefenderAppCredential appCredential)
            {
                // Consent granted after this token was issued shows only in a new token: ask once before failing.
                appCredential.Invalidate(call.TenantId);
                token = await GetTokenAsync(request, message.CancellationToken, async).ConfigureAwait(false);
                claims = ClaimsOf(token.Token) ?? claims;
            }

            if (!Grants(call.Operation, claims))
            {
                throw Missing(call, claims);
            }
        }

        message.Request.Headers.SetValue(HttpHeader.Names.Authorization, "Bearer " + token.Token);
    }

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

        // Opaque tokens cannot be inspected: the API stays the judge.
        if (!AccessTokenClaims.TryParse(token, out claims))
        {
            return null;
        }

        ClaimsByToken.AddOrUpdate(token, claims);
        return claims;
    }

    private static bool Grants(DefenderOperation operation, AccessTokenClaims claims) =>
        claims.IsAppOnly
            ? operation.Resource.IsSatisfiedBy(operation.ApplicationPermissions, claims.Roles)
            : operation.Resource.IsSatisfiedBy(operation.DelegatedPermissions, claims.Scopes);

    private static void CheckTenant(DefenderCallContext call, AccessTokenClaims claims)
    {
        if (Guid.TryParse(call.TenantId, out var requested) && Guid.TryParse(claims.TenantId, out var issued) && requested != issued)
        {
            throw new DefenderAuthenticationException(
                $"The credential returned a token for tenant '{claims.TenantId}' for a call to tenant '{call.TenantId}'; the call was not sent.",
                DefenderAuthenticationFailure.WrongTenantInToken,
                call.TenantId,
                claims.AppId ?? string.Empty);
        }
    }

    private MissingPermissionException Missing(DefenderCallContext call, AccessTokenClaims claims)
    {
        var operation = call.Operation;
        Uri? consent = null;
        if (Guid.TryParse(claims.AppId, out _))
        {
            consent = AdminConsentLinks.AdminConsentUrl(claims.AppId!, call.TenantId, _options.Cloud, operation.Resource.Id, authorityHost: call.Endpoint.AuthorityHost);
        }

        return new MissingPermissionException(
            operation.Id,
            call.TenantId,
            operation.Resource.Id,
            operation.Resource.DisplayName,
            claims.IsAppOnly ? operation.ApplicationPermissions : operation.DelegatedPermissions,
            claims.IsAppOnly ? claims.Roles : claims.Scopes,
            consent);
    }
}
