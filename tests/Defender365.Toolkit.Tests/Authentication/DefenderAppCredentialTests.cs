using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Defender365.Toolkit.Authentication;
using Defender365.Toolkit.Authorization;
using Defender365.Toolkit.Catalog;
using Defender365.Toolkit.Emulator;
using Defender365.Toolkit.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Defender365.Toolkit.Tests.Authentication;

/// <summary>MSAL against the emulator over HTTPS loopback: tenants, cache, single flight, allow-list, expiry.</summary>
public sealed class DefenderAppCredentialTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private const string Contoso = EmulatorOptions.ContosoTenantId;
    private const string Fabrikam = EmulatorOptions.FabrikamTenantId;
    private const string Northwind = EmulatorOptions.NorthwindTenantId;

    private EmulatorStatistics Statistics => fixture.Emulator.Statistics;

    [Fact]
    public async Task Each_tenant_gets_its_own_token_with_the_roles_its_admin_consented()
    {
        var credential = fixture.CreateCredential();
        var contoso = AccessTokenClaims.Parse((await credential.GetTokenAsync(Contoso, DefenderResourceIds.ThreatProtection)).Token);
        var fabrikam = AccessTokenClaims.Parse((await credential.GetTokenAsync(Fabrikam, DefenderResourceIds.ThreatProtection)).Token);
        var northwind = AccessTokenClaims.Parse((await credential.GetTokenAsync(Northwind, DefenderResourceIds.ThreatProtection)).Token);

        Assert.Equal([Contoso, Fabrikam, Northwind], new[] { contoso.TenantId!, fabrikam.TenantId!, northwind.TenantId! });
        Assert.All(new[] { contoso, fabrikam, northwind }, c => Assert.Equal("https://api.security.microsoft.com", c.Audience));
        Assert.Equal(["AdvancedHunting.Read.All", "Incident.ReadWrite.All"], contoso.Roles);
        Assert.Equal(["Incident.Read.All"], northwind.Roles);
    }

    [Fact]
    public async Task Cached_tokens_are_served_without_another_token_request()
    {
        var credential = fixture.CreateCredential();
        var before = Statistics.TokenRequests(Fabrikam);
        var first = await credential.GetTokenAsync(Fabrikam, DefenderResourceIds.WindowsDefenderAtp);
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(first.Token, (await credential.GetTokenAsync(Fabrikam, DefenderResourceIds.WindowsDefenderAtp)).Token);
        }

        Assert.Equal(1, Statistics.TokenRequests(Fabrikam) - before);
    }

    [Fact]
    public async Task The_token_is_held_once_MSAL_keeps_no_second_copy()
    {
        // The MSAL client the credential builds, asked twice without forcing a refresh: with its cache emptied before
        // each use, both requests reach the token service. The credential's own cache is the only copy.
        var options = fixture.Emulator.CreateCredentialOptions("*");
        var msal = new MsalAppClient(EmulatorOptions.DemoClientId, fixture.Emulator.BaseAddress, shards: 1, options.HttpClientFactory, b => b.WithClientSecret(fixture.Secret));
        var scope = DefenderCatalog.Default.GetResource(DefenderResourceIds.ThreatProtection).GetEndpoint(DefenderCloud.Commercial).DefaultScope;
        var before = Statistics.TokenRequests(Northwind);
        var first = await msal.AcquireTokenForClientAsync(Northwind, scope, forceRefresh: false, CancellationToken.None);
        var second = await msal.AcquireTokenForClientAsync(Northwind, scope, forceRefresh: false, CancellationToken.None);
        Assert.Equal(2, Statistics.TokenRequests(Northwind) - before);
        Assert.Equal(Northwind, AccessTokenClaims.Parse(second.AccessToken).TenantId);
        Assert.NotEqual(first.AccessToken, second.AccessToken);
    }

    [Fact]
    public async Task Tokens_are_cached_per_tenant_and_resource_never_across()
    {
        var credential = fixture.CreateCredential();
        var xdr = await credential.GetTokenAsync(Contoso, DefenderResourceIds.ThreatProtection);
        var mde = await credential.GetTokenAsync(Contoso, DefenderResourceIds.WindowsDefenderAtp);
        var other = await credential.GetTokenAsync(Fabrikam, DefenderResourceIds.ThreatProtection);
        Assert.Equal("https://api.securitycenter.microsoft.com", AccessTokenClaims.Parse(mde.Token).Audience);
        Assert.Equal(Fabrikam, AccessTokenClaims.Parse(other.Token).TenantId);
        Assert.Equal(3, new[] { xdr.Token, mde.Token, other.Token }.Distinct().Count());
    }

    [Fact]
    public async Task Hundred_concurrent_first_calls_for_one_tenant_make_one_token_request()
    {
        var credential = fixture.CreateCredential();
        var before = Statistics.TokenRequests(Northwind);
        fixture.Emulator.Faults.TokenLatency = TimeSpan.FromMilliseconds(300);
        try
        {
            using var start = new ManualResetEventSlim();
            var calls = Enumerable.Range(0, 100)
                .Select(_ => Task.Run(async () =>
                {
                    start.Wait();
                    return await credential.GetTokenAsync(Northwind, DefenderResourceIds.ThreatProtection);
                }))
                .ToArray();
            start.Set();
            var tokens = await Task.WhenAll(calls);

            Assert.Equal(1, Statistics.TokenRequests(Northwind) - before);
            Assert.Single(tokens.Select(t => t.Token).Distinct());
        }
        finally
        {
            fixture.Emulator.Faults.TokenLatency = TimeSpan.Zero;
        }
    }

    [Fact]
    public async Task A_tenant_outside_the_allow_list_is_refused_before_anything_is_sent()
    {
        var credential = fixture.CreateCredential(Contoso);
        var before = Statistics.TokenRequests(Fabrikam);
        var error = await Assert.ThrowsAsync<DefenderTenantNotAllowedException>(async () => await credential.GetTokenAsync(Fabrikam, DefenderResourceIds.ThreatProtection));
        Assert.Equal(Fabrikam, error.TenantId);
        Assert.Contains("AllowedTenants", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, Statistics.TokenRequests(Fabrikam) - before);
    }

    [Theory]
    [InlineData("common")]
    [InlineData("organizations")]
    [InlineData("Consumers")]
    public async Task A_multi_tenant_alias_is_not_a_tenant_even_with_any_tenant_allowed(string alias)
    {
        var credential = fixture.CreateCredential("*");
        var before = Statistics.TokenRequests(alias);

        var error = await Assert.ThrowsAsync<ArgumentException>(async () => await credential.GetTokenAsync(alias, DefenderResourceIds.ThreatProtection));

        Assert.Contains($"'{alias}' is not a tenant", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, Statistics.TokenRequests(alias) - before);
        var options = fixture.Emulator.CreateCredentialOptions(alias);
        var refused = Assert.Throws<ArgumentException>(() => DefenderAppCredential.FromClientSecret(EmulatorOptions.DemoClientId, fixture.Secret, options));
        Assert.Equal("AllowedTenants", refused.ParamName);
    }

    [Fact]
    public async Task An_empty_allow_list_allows_no_tenant()
    {
        var credential = DefenderAppCredential.FromClientSecret(EmulatorOptions.DemoClientId, fixture.Secret, fixture.Emulator.CreateCredentialOptions());
        await Assert.ThrowsAsync<DefenderTenantNotAllowedException>(async () => await credential.GetTokenAsync(Contoso, DefenderResourceIds.ThreatProtection));
    }

    [Fact]
    public async Task A_token_near_expiry_is_replaced_by_a_fresh_one()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = fixture.Emulator.CreateCredentialOptions("*");
        options.TimeProvider = clock;
        var credential = DefenderAppCredential.FromClientSecret(EmulatorOptions.DemoClientId, fixture.Secret, options);
        var before = Statistics.TokenRequests(Contoso);

        var first = await credential.GetTokenAsync(Contoso, DefenderResourceIds.MicrosoftGraph);
        clock.Advance(first.ExpiresOn - clock.GetUtcNow() - TimeSpan.FromMinutes(6));
        Assert.Equal(first.Token, (await credential.GetTokenAsync(Contoso, DefenderResourceIds.MicrosoftGraph)).Token);
        clock.Advance(TimeSpan.FromMinutes(2));
        var second = await credential.GetTokenAsync(Contoso, DefenderResourceIds.MicrosoftGraph);

        Assert.NotEqual(first.Token, second.Token);
        Assert.Equal(2, Statistics.TokenRequests(Contoso) - before);
    }

    [Fact]
    public async Task Invalidate_makes_the_next_call_fetch_a_fresh_token()
    {
        var credential = fixture.CreateCredential();
        var first = await credential.GetTokenAsync(Fabrikam, DefenderResourceIds.MicrosoftGraph);
        credential.Invalidate(Fabrikam);
        var second = await credential.GetTokenAsync(Fabrikam, DefenderResourceIds.MicrosoftGraph);
        Assert.NotEqual(first.Token, second.Token);
    }

    [Fact]
    public async Task A_tenant_can_be_named_by_its_domain()
    {
        var credential = fixture.CreateCredential("contoso.onmicrosoft.com");
        var token = await credential.GetTokenAsync("contoso.onmicrosoft.com", DefenderResourceIds.ThreatProtection);
        Assert.Equal(Contoso, AccessTokenClaims.Parse(token.Token).TenantId);
    }

    [Fact]
    public async Task A_certificate_registered_on_the_app_signs_in()
    {
        var credential = DefenderAppCredential.FromCertificate(EmulatorOptions.DemoClientId, fixture.AppCertificate, fixture.Emulator.CreateCredentialOptions("*"));
        var token = await credential.GetTokenAsync(Fabrikam, DefenderResourceIds.ThreatProtection);
        Assert.Equal(Fabrikam, AccessTokenClaims.Parse(token.Token).TenantId);
    }

    [Fact]
    public async Task A_certificate_file_signs_in_as_a_password_protected_pfx_or_as_pem_with_its_key()
    {
        var folder = Directory.CreateTempSubdirectory("defender365-certificate-");
        try
        {
            var pfx = Path.Combine(folder.FullName, "app.pfx");
            File.WriteAllBytes(pfx, fixture.AppCertificate.Export(X509ContentType.Pkcs12, "pfx-Passw0rd"));
            var pem = Path.Combine(folder.FullName, "app.pem");
            File.WriteAllText(pem, fixture.AppCertificate.ExportCertificatePem() + "\n" + fixture.AppCertificate.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem());

            foreach (var credential in new[]
            {
                DefenderAppCredential.FromCertificateFile(EmulatorOptions.DemoClientId, pfx, "pfx-Passw0rd", fixture.Emulator.CreateCredentialOptions("*")),
                DefenderAppCredential.FromCertificateFile(EmulatorOptions.DemoClientId, pem, options: fixture.Emulator.CreateCredentialOptions("*")),
            })
            {
                var token = await credential.GetTokenAsync(Fabrikam, DefenderResourceIds.ThreatProtection);
                Assert.Equal(Fabrikam, AccessTokenClaims.Parse(token.Token).TenantId);
            }

            var wrongPassword = Assert.ThrowsAny<CryptographicException>(() => DefenderAppCredential.FromCertificateFile(EmulatorOptions.DemoClientId, pfx, "not-the-Passw0rd"));
            Assert.Contains("'app.pfx' could not be read", wrongPassword.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("Passw0rd", wrongPassword.Message, StringComparison.Ordinal);
            Assert.Throws<FileNotFoundException>(() => DefenderAppCredential.FromCertificateFile(EmulatorOptions.DemoClientId, Path.Combine(folder.FullName, "missing.pfx")));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_client_assertion_callback_runs_per_token_request_with_the_tenant()
    {
        var tenants = new List<string>();
        var credential = DefenderAppCredential.FromClientAssertion(
            EmulatorOptions.DemoClientId,
            request =>
            {
                lock (tenants)
                {
                    tenants.Add(request.TenantId);
                }

                return Task.FromResult(ClientAssertions.Sign(fixture.AppCertificate, EmulatorOptions.DemoClientId, request.TokenEndpoint));
            },
            fixture.Emulator.CreateCredentialOptions("*"));

        await credential.GetTokenAsync(Contoso, DefenderResourceIds.ThreatProtection);
        await credential.GetTokenAsync(Contoso, DefenderResourceIds.ThreatProtection);
        await credential.GetTokenAsync(Northwind, DefenderResourceIds.ThreatProtection);

        Assert.Equal([Contoso, Northwind], tenants);
    }

    [Fact]
    public void Options_are_validated_with_clear_messages()
    {
        Assert.Contains("HTTPS", Assert.Throws<ArgumentException>(() => DefenderAppCredential.FromClientSecret(EmulatorOptions.DemoClientId, "x", new DefenderAppCredentialOptions { AuthorityHost = new Uri("http://127.0.0.1") })).Message, StringComparison.Ordinal);
        Assert.Contains("GUID", Assert.Throws<ArgumentException>(() => DefenderAppCredential.FromClientSecret("not-a-guid", "x")).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => DefenderAppCredential.FromClientSecret(EmulatorOptions.DemoClientId, "x", new DefenderAppCredentialOptions { RefreshMargin = TimeSpan.FromMinutes(1) }));
        Assert.Contains("MaxCachedTokens", Assert.Throws<ArgumentOutOfRangeException>(() => DefenderAppCredential.FromClientSecret(EmulatorOptions.DemoClientId, "x", new DefenderAppCredentialOptions { MaxCachedTokens = 0 })).Message, StringComparison.Ordinal);
    }
}
