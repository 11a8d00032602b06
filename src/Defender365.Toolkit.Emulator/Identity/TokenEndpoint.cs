using Defender365.Toolkit.Catalog;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

using Defender365.Toolkit.Emulator.Hosting;

namespace Defender365.Toolkit.Emulator.Identity;

/// <summary>
/// The emulated Entra ID: client-credentials grant on the v2 (<c>scope</c>) and v1 (<c>resource</c>) token endpoints,
/// with the checks and AADSTS errors of the real service, plus OpenID metadata and signing keys.
/// </summary>
internal sealed class TokenEndpoint
{
    private readonly EmulatorState _state;

    public TokenEndpoint(EmulatorState state) => _state = state;

    private TimeProvider Time => _state.Options.TimeProvider;

    public async Task<IResult> HandleAsync(HttpContext context, string tenant, bool v2)
    {
        await _state.Faults.BeforeTokenRequestAsync(context.RequestAborted).ConfigureAwait(false);
        if (!context.Request.HasFormContentType)
        {
            return EntraError.Create(400, "invalid_request", 900144, "The request body must contain the following parameter: 'grant_type'.", Time);
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        var grant = form["grant_type"].ToString();
        if (grant != "client_credentials")
        {
            return EntraError.UnsupportedGrant(grant, Time);
        }

        if (tenant is "common" or "organizations" or "consumers")
        {
            return EntraError.TenantRequired(Time);
        }

        var emulatedTenant = _state.Options.Tenants.FirstOrDefault(t => t.Matches(tenant));
        switch (_state.Faults.TokenError(emulatedTenant, tenant))
        {
            case "AADSTS90002":
                return EntraError.UnknownTenant(tenant, Time);
            case "AADSTS650052":
                return EntraError.ApiNotInTenant(tenant, Time);
            case "AADSTS7000222":
                return EntraError.ExpiredSecret(form["client_id"].ToString(), Time);
        }

        if (emulatedTenant is null)
        {
            return EntraError.UnknownTenant(tenant, Time);
        }

        // Counted per tenant id once the tenant is known: what the stampede test and the benchmark read.
        _state.Statistics.CountTokenRequest(emulatedTenant.TenantId);

        var clientId = form["client_id"].ToString();
        var app = _state.Options.Apps.FirstOrDefault(a => string.Equals(a.ClientId, clientId, StringComparison.OrdinalIgnoreCase));
        if (app is null || !emulatedTenant.Consents.TryGetValue(app.ClientId, out var consents))
        {
            return EntraError.AppNotInTenant(clientId, tenant, Time);
        }

        if (app.Disabled)
        {
            return EntraError.AppDisabled(app.ClientId, Time);
        }

        var certificateCredential = false;
        var secret = form["client_secret"].ToString();
        var assertion = form["client_assertion"].ToString();
        if (secret.Length > 0)
        {
            if (app.ExpiredSecrets.Contains(secret))
            {
                return EntraError.ExpiredSecret(app.ClientId, Time);
            }

            if (!app.Secrets.Contains(secret))
            {
                return EntraError.InvalidSecret(app.ClientId, Time);
            }
        }
        else if (assertion.Length > 0)
        {
            var problem = await ValidateAssertionAsync(app, assertion).ConfigureAwait(false);
            if (problem is not null)
            {
                return EntraError.InvalidAssertion(app.ClientId, problem, Time);
            }

            certificateCredential = true;
        }
        else
        {
            return EntraError.MissingCredential(Time);
        }

        string audience;
        if (v2)
        {
            var scope = form["scope"].ToString();
            if (!scope.EndsWith("/.default", StringComparison.Ordinal) || scope.Contains(' ', StringComparison.Ordinal))
            {
                return EntraError.InvalidScope(scope, Time);
            }

            audience = scope[..^"/.default".Length];
        }
        else
        {
            audience = form["resource"].ToString();
        }

        var resource = AudienceMap.ResourceOf(audience);
        if (resource is null)
        {
            return EntraError.UnknownResource(audience, Time);
        }

        var roles = _state.Faults.ConsentedRoles(emulatedTenant, app.ClientId, resource.Id);
        var lifetime = _state.Options.TokenLifetime;
        var token = _state.Issuer.Issue(_state.BaseAddress, emulatedTenant.TenantId, app.ClientId, audience, roles, lifetime, certificateCredential);
        var seconds = (long)lifetime.TotalSeconds;
        return Results.Json(v2
            ? new Dictionary<string, object> { ["token_type"] = "Bearer", ["expires_in"] = seconds, ["ext_expires_in"] = seconds, ["access_token"] = token }
            : new Dictionary<string, object>
            {
                ["token_type"] = "Bearer",
                ["expires_in"] = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["ext_expires_in"] = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["expires_on"] = (Time.GetUtcNow() + lifetime).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["resource"] = audience,
                ["access_token"] = token,
            });
    }

    private async Task<string?> ValidateAssertionAsync(EmulatorApp app, string assertion)
    {
        if (app.Certificates.Count == 0)
        {
            return "the app has no certificate registered";
        }

        var handler = new JsonWebTokenHandler();
        var result = await handler.ValidateTokenAsync(assertion, new TokenValidationParameters
        {
            IssuerSigningKeys = app.Certificates.Select(c => new X509SecurityKey(c)).ToArray(),
            ValidIssuer = app.ClientId,
            ValidateAudience = true,
            AudienceValidator = (audiences, _, _) => audiences.Any(a => a.StartsWith(_state.BaseAddress.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase)),
            ValidateLifetime = true,
            LifetimeValidator = (_, expires, _, _) => expires is { } e && e > Time.GetUtcNow().UtcDateTime,
        }).ConfigureAwait(false);
        if (!result.IsValid)
        {
            return result.Exception?.GetType().Name ?? "invalid assertion";
        }

        return ((JsonWebToken)result.SecurityToken).Subject == app.ClientId ? null : "sub is not the client id";
    }

    public IResult Metadata(string tenant, bool v2)
    {
        var authority = _state.BaseAddress.GetLeftPart(UriPartial.Authority);
        var issuerTenant = tenant is "common" or "organizations" ? "{tenantid}" : tenant;
        return Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = v2 ? $"{authority}/{issuerTenant}/v2.0" : $"{authority}/{issuerTenant}/",
            ["token_endpoint"] = v2 ? $"{authority}/{tenant}/oauth2/v2.0/token" : $"{authority}/{tenant}/oauth2/token",
            ["authorization_endpoint"] = v2 ? $"{authority}/{tenant}/oauth2/v2.0/authorize" : $"{authority}/{tenant}/oauth2/authorize",
            ["jwks_uri"] = v2 ? $"{authority}/{tenant}/discovery/v2.0/keys" : $"{authority}/{tenant}/discovery/keys",
            ["token_endpoint_auth_methods_supported"] = new[] { "client_secret_post", "private_key_jwt" },
            ["response_types_supported"] = new[] { "code", "id_token", "token" },
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
            ["tenant_region_scope"] = "EM",
        });
    }
}

/// <summary>Which catalog resource a token audience belongs to (<see cref="DefenderResource.AcceptsAudience"/>, as the client checks it).</summary>
internal static class AudienceMap
{
    public static DefenderResource? ResourceOf(string audience) =>
        DefenderCatalog.Default.Resources.FirstOrDefault(r => r.AcceptsAudience(audience));

    public static bool IsAudienceOf(string? audience, DefenderResource resource) =>
        audience is not null && resource.AcceptsAudience(audience);
}
