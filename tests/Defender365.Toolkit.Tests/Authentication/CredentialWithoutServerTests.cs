using System.Text;
using System.Text.Json;
using Defender365.Toolkit.Authentication;
using Defender365.Toolkit.Catalog;
using Microsoft.Identity.Client;

namespace Defender365.Toolkit.Tests.Authentication;

/// <summary>
/// The credential's own logic (allow-list, cache, single flight, the tenant check, error mapping, refresh) over a
/// <see cref="MsalAppClient"/> that plays the token service: no server, no emulator.
/// </summary>
public sealed class CredentialWithoutServerTests
{
    private const string ClientId = "5f0e3a43-9b5c-4f2a-9f60-3c1f2b8f6d01";
    private const string Contoso = "7f1c2a3b-1d2e-4f50-8a6b-0c9d8e7f6a51";
    private const string Fabrikam = "0b6c1e2d-3f4a-4b5c-8d6e-7f8091a2b3c4";

    private static (DefenderAppCredential Credential, TokenService Service) Create(Func<string, string, string>? issue = null)
    {
        var service = new TokenService(issue ?? ((tenant, _) => Jwt(tenant)));
        var options = new DefenderAppCredentialOptions();
        options.AllowedTenants.Add(Contoso);
        options.AllowedTenants.Add(Fabrikam);
        return (new DefenderAppCredential(ClientId, "test", null, options, (_, _) => service), service);
    }

    private static string Scope => DefenderCatalog.Default.GetResource(DefenderResourceIds.ThreatProtection).GetEndpoint(DefenderCloud.Commercial).DefaultScope;

    /// <summary>An unsigned token with the claims the credential reads (the signature is the API's business).</summary>
    private static string Jwt(string tenant)
    {
        static string Part(object value) => Convert.ToBase64String(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(value))).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return Part(new { alg = "none" }) + "." + Part(new { tid = tenant, roles = new[] { "Incident.Read.All" }, jti = Guid.NewGuid() }) + ".sig";
    }

    [Fact]
    public async Task A_hundred_concurrent_first_requests_make_one_token_request_and_then_none()
    {
        var (credential, service) = Create();
        service.Delay = TimeSpan.FromMilliseconds(200);

        var tokens = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => credential.GetTokenAsync(Contoso, DefenderResourceIds.ThreatProtection).AsTask()));
        await credential.GetTokenAsync(Contoso, DefenderResourceIds.ThreatProtection);

        Assert.Equal(1, service.Requests);
        Assert.Single(tokens.Select(t => t.Token).Distinct());
    }

    [Fact]
    public async Task A_token_for_another_tenant_is_discarded()
    {
        var (credential, _) = Create((_, _) => Jwt(Fabrikam));

        var error = await Assert.ThrowsAsync<DefenderAuthenticationException>(async () => await credential.GetTokenAsync(Contoso, DefenderResourceIds.ThreatProtection));

        Assert.Equal(DefenderAuthenticationFailure.WrongTenantInToken, error.Failure);
    }

    [Fact]
    public async Task A_refusal_of_the_token_service_is_mapped_by_its_code_with_the_consent_link()
    {
        var (credential, _) = Create((tenant, _) => throw new MsalServiceException("invalid_client", $"AADSTS700016: Application with identifier '{ClientId}' was not found in the directory '{tenant}'."));

        var error = await Assert.ThrowsAsync<DefenderConsentRequiredException>(async () => await credential.GetTokenAsync(Fabrikam, DefenderResourceIds.ThreatProtection));

        Assert.Equal(DefenderAuthenticationFailure.NotConsented, error.Failure);
        Assert.Equal(["700016"], error.ErrorCodes);
        Assert.Contains($"/{Fabrikam}/v2.0/adminconsent", error.AdminConsentUrl.AbsoluteUri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tenant_off_the_allow_list_never_reaches_the_token_service()
    {
        var (credential, service) = Create();

        await Assert.ThrowsAsync<DefenderTenantNotAllowedException>(async () => await credential.GetTokenAsync("3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f", DefenderResourceIds.ThreatProtection));

        Assert.Equal(0, service.Requests);
    }

    [Fact]
    public async Task A_refused_token_is_dropped_once_through_the_refresh_interface()
    {
        var (credential, service) = Create();
        IRefreshableTokenCredential refreshable = credential;
        var first = await credential.GetTokenAsync(Contoso, DefenderResourceIds.ThreatProtection);

        Assert.True(refreshable.TryInvalidate(Contoso, Scope, first.Token, TimeSpan.FromMinutes(1)));
        var second = await credential.GetTokenAsync(Contoso, DefenderResourceIds.ThreatProtection);
        // Within the interval a second refusal does not send the app back to the token service.
        Assert.False(refreshable.TryInvalidate(Contoso, Scope, second.Token, TimeSpan.FromMinutes(1)));

        Assert.NotEqual(first.Token, second.Token);
        Assert.Equal(2, service.Requests);
        Assert.True(service.ForcedRefreshes >= 1);
    }

    /// <summary>Plays the token service: counts requests and issues what the test says.</summary>
    private sealed class TokenService(Func<string, string, string> issue) : MsalAppClient
    {
        private int _requests;
        private int _forced;

        public TimeSpan Delay { get; set; }

        public int Requests => Volatile.Read(ref _requests);

        public int ForcedRefreshes => Volatile.Read(ref _forced);

        public override async Task<(string AccessToken, DateTimeOffset ExpiresOn)> AcquireTokenForClientAsync(string tenantId, string scope, bool forceRefresh, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _requests);
            if (forceRefresh)
            {
                Interlocked.Increment(ref _forced);
            }

            await Task.Delay(Delay, cancellationToken);
            return (issue(tenantId, scope), DateTimeOffset.UtcNow.AddHours(1));
        }
    }
}
