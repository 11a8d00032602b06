using Defender365.Toolkit.Authentication;
using Defender365.Toolkit.Catalog;
using Defender365.Toolkit.Emulator;
using Defender365.Toolkit.Tests.Infrastructure;

namespace Defender365.Toolkit.Tests.Authentication;

/// <summary>Each token-service refusal becomes a typed exception that says what to do, and never carries the secret.</summary>
public sealed class AuthenticationErrorTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private const string SentinelSecret = "SENTINEL-Zx9-not-a-real-secret-5b1e7";

    private DefenderAppCredential Credential(string secret, string clientId = EmulatorOptions.DemoClientId) =>
        DefenderAppCredential.FromClientSecret(clientId, secret, fixture.Emulator.CreateCredentialOptions("*"));

    private static Task<T> Fails<T>(DefenderAppCredential credential, string tenant)
        where T : Exception =>
        Assert.ThrowsAsync<T>(async () => await credential.GetTokenAsync(tenant, DefenderResourceIds.ThreatProtection));

    [Fact]
    public async Task App_without_consent_in_the_tenant_names_the_tenant_and_gives_the_consent_link()
    {
        var error = await Fails<DefenderConsentRequiredException>(Credential(fixture.Secret), EmulatorFixture.UnconsentedTenantId);
        Assert.Equal(DefenderAuthenticationFailure.NotConsented, error.Failure);
        Assert.Equal(["700016"], error.ErrorCodes);
        Assert.Equal(EmulatorFixture.UnconsentedTenantId, error.TenantId);
        Assert.Contains($"/{EmulatorFixture.UnconsentedTenantId}/v2.0/adminconsent?client_id={EmulatorOptions.DemoClientId}", error.AdminConsentUrl.AbsoluteUri, StringComparison.Ordinal);
        Assert.Contains(error.AdminConsentUrl.AbsoluteUri, error.Message, StringComparison.Ordinal);
        Assert.NotNull(error.TraceId);
    }

    [Fact]
    public async Task The_consent_link_asks_for_the_resource_whose_token_was_refused()
    {
        var credential = Credential(fixture.Secret);
        var graph = await Assert.ThrowsAsync<DefenderConsentRequiredException>(async () => await credential.GetTokenAsync(EmulatorFixture.UnconsentedTenantId, DefenderResourceIds.MicrosoftGraph));
        var xdr = await Fails<DefenderConsentRequiredException>(credential, EmulatorFixture.UnconsentedTenantId);

        Assert.Contains("scope=https%3A%2F%2Fgraph.microsoft.com%2F.default", graph.AdminConsentUrl.AbsoluteUri, StringComparison.Ordinal);
        Assert.Contains("scope=https%3A%2F%2Fapi.security.microsoft.com%2F.default", xdr.AdminConsentUrl.AbsoluteUri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_tenant_is_reported_as_not_found()
    {
        var error = await Fails<DefenderAuthenticationException>(Credential(fixture.Secret), "00000000-0000-4000-8000-00000000dead");
        Assert.Equal(DefenderAuthenticationFailure.TenantNotFound, error.Failure);
        Assert.False(error.IsCredentialRejected);
        Assert.Equal(["90002"], error.ErrorCodes);
        Assert.Contains("not found", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_secret_explains_value_versus_id()
    {
        var error = await Fails<DefenderAuthenticationException>(Credential(SentinelSecret), EmulatorOptions.ContosoTenantId);
        Assert.Equal(DefenderAuthenticationFailure.InvalidClientSecret, error.Failure);
        Assert.True(error.IsCredentialRejected);
        Assert.Equal(["7000215"], error.ErrorCodes);
        Assert.Contains("'Value'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_secret_shaped_like_a_guid_is_called_out_as_the_secret_id()
    {
        var error = await Fails<DefenderAuthenticationException>(Credential("8d1c6b6e-1f0e-4d7b-9a9e-7f3a2b1c0d9e"), EmulatorOptions.ContosoTenantId);
        Assert.Contains("shape of a GUID", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Expired_secret_says_to_create_a_new_one()
    {
        var error = await Fails<DefenderAuthenticationException>(Credential(fixture.ExpiredSecret), EmulatorOptions.ContosoTenantId);
        Assert.Equal(DefenderAuthenticationFailure.ClientSecretExpired, error.Failure);
        Assert.Contains("expired", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Disabled_app_is_reported()
    {
        var error = await Fails<DefenderAuthenticationException>(Credential(fixture.Secret, EmulatorFixture.DisabledClientId), EmulatorOptions.ContosoTenantId);
        Assert.Equal(DefenderAuthenticationFailure.AppDisabled, error.Failure);
        Assert.Equal(["7000112"], error.ErrorCodes);
    }

    [Fact]
    public async Task Unregistered_certificate_is_rejected()
    {
        using var stranger = EmulatorFixture.CreateCertificate("CN=Not registered");
        var credential = DefenderAppCredential.FromCertificate(EmulatorOptions.DemoClientId, stranger, fixture.Emulator.CreateCredentialOptions("*"));
        var error = await Fails<DefenderAuthenticationException>(credential, EmulatorOptions.ContosoTenantId);
        Assert.Equal(DefenderAuthenticationFailure.InvalidClientCertificate, error.Failure);
        Assert.True(error.IsCredentialRejected);
    }

    [Theory]
    [InlineData("Ab+c/d=e&f~g Q8~x")]
    [InlineData("<secret>\"quoted\"&amp;")]
    public void A_secret_echoed_in_any_encoding_is_redacted(string secret)
    {
        var facts = new TokenRequestFacts("t", EmulatorOptions.DemoClientId, new Uri("https://login.example/"), () => new Uri("https://login.example/consent"), secret);
        var echoes = new[]
        {
            secret,
            Uri.EscapeDataString(secret),
            Uri.EscapeDataString(secret).ToLowerInvariant(),
            System.Net.WebUtility.UrlEncode(secret),
            System.Net.WebUtility.HtmlEncode(secret),
            System.Text.Json.JsonSerializer.Serialize(secret).Trim('"'),
            System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping.Encode(secret),
        };

        foreach (var echo in echoes)
        {
            var redacted = AadstsErrorMapper.Redact($"client_secret={echo}&grant_type=client_credentials", facts);
            Assert.Equal("client_secret=***&grant_type=client_credentials", redacted);
        }
    }

    [Fact]
    public async Task Unreachable_token_service_is_transient()
    {
        var options = new DefenderAppCredentialOptions { AuthorityHost = new Uri("https://127.0.0.1:1/"), HttpClientFactory = fixture.Emulator.MsalHttpClientFactory };
        options.AllowedTenants.Add("*");
        var credential = DefenderAppCredential.FromClientSecret(EmulatorOptions.DemoClientId, SentinelSecret, options);
        var error = await Fails<DefenderAuthenticationException>(credential, EmulatorOptions.ContosoTenantId);
        Assert.True(error.IsTransient);
        Assert.DoesNotContain(SentinelSecret, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_secret_never_appears_in_messages_or_ToString()
    {
        var credential = Credential(SentinelSecret);
        var failures = new List<Exception>
        {
            await Fails<DefenderAuthenticationException>(credential, EmulatorOptions.ContosoTenantId),
            await Fails<DefenderConsentRequiredException>(credential, EmulatorFixture.UnconsentedTenantId),
            await Fails<DefenderAuthenticationException>(credential, "00000000-0000-4000-8000-00000000beef"),
            await Fails<DefenderTenantNotAllowedException>(DefenderAppCredential.FromClientSecret(EmulatorOptions.DemoClientId, SentinelSecret, fixture.Emulator.CreateCredentialOptions(EmulatorOptions.ContosoTenantId)), EmulatorOptions.FabrikamTenantId),
        };

        foreach (var failure in failures)
        {
            Assert.DoesNotContain(SentinelSecret, failure.ToString(), StringComparison.Ordinal);
            for (var inner = failure.InnerException; inner is not null; inner = inner.InnerException)
            {
                Assert.DoesNotContain(SentinelSecret, inner.ToString(), StringComparison.Ordinal);
            }
        }

        Assert.DoesNotContain(SentinelSecret, credential.ToString(), StringComparison.Ordinal);
        Assert.Contains("client secret", credential.ToString(), StringComparison.Ordinal);
    }
}
