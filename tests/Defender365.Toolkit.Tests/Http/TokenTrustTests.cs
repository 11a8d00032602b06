using Azure.Core;
using Defender365.Toolkit.Authentication;
using Defender365.Toolkit.Authorization;
using Defender365.Toolkit.Catalog;
using Defender365.Toolkit.Emulator;
using Defender365.Toolkit.Http;
using Defender365.Toolkit.Tests.Infrastructure;

namespace Defender365.Toolkit.Tests.Http;

/// <summary>
/// What the pipeline trusts in a token before it sends it, and what a refusal costs: the tenant (also when named by
/// domain) and the API the token is for, one fresh token per refusal window, and a fresh token after a 401.
/// </summary>
public sealed class TokenTrustTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private const string Contoso = EmulatorOptions.ContosoTenantId;
    private const string ContosoDomain = "contoso.onmicrosoft.com";
    private const string Northwind = EmulatorOptions.NorthwindTenantId;
    private static DefenderOperation Op(string id) => DefenderCatalog.Default.GetOperation(id);

    [Fact]
    public async Task A_tenant_named_by_domain_is_pinned_to_its_id_and_another_tenants_token_is_refused()
    {
        var credential = new MisdirectingCredential(fixture.CreateCredential());
        var invoker = fixture.CreateInvoker(configure: o => o.ValidatePermissions = true);
        invoker = new DefenderOperationInvoker(credential, invoker.Options);
        await invoker.SendAsync(Op("ListIncidents"), ContosoDomain);

        credential.TenantFor = _ => Northwind;
        var before = fixture.Emulator.Statistics.ApiCalls("ListIncidents");
        var error = await Assert.ThrowsAsync<DefenderAuthenticationException>(() => invoker.SendAsync(Op("ListIncidents"), ContosoDomain));

        Assert.Equal(DefenderAuthenticationFailure.WrongTenantInToken, error.Failure);
        Assert.Contains(Northwind, error.Message, StringComparison.Ordinal);
        Assert.Contains(Contoso, error.Message, StringComparison.Ordinal);
        Assert.Equal(before, fixture.Emulator.Statistics.ApiCalls("ListIncidents"));
    }

    [Fact]
    public async Task A_token_for_another_api_is_refused_naming_its_audience_not_reported_as_a_missing_permission()
    {
        var graph = DefenderCatalog.Default.GetResource(DefenderResourceIds.MicrosoftGraph).GetEndpoint(DefenderCloud.Commercial);
        var credential = new MisdirectingCredential(fixture.CreateCredential()) { ScopeFor = _ => graph.DefaultScope };
        var invoker = new DefenderOperationInvoker(credential, fixture.CreateInvoker().Options);

        var error = await Assert.ThrowsAsync<DefenderAuthenticationException>(() => invoker.SendAsync(Op("ListMachines"), Contoso));

        Assert.Equal(DefenderAuthenticationFailure.WrongAudienceInToken, error.Failure);
        Assert.Contains($"audience '{graph.Audience}", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("consent", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Refused_calls_cost_one_token_request_per_window_and_leave_other_apis_tokens_alone()
    {
        // Fabrikam has Defender XDR incidents and Defender for Endpoint machines, but no indicators (Ti.Read.All).
        const string Fabrikam = EmulatorOptions.FabrikamTenantId;
        var credential = fixture.CreateCredential();
        var invoker = fixture.CreateInvoker(credential);
        await invoker.SendAsync(Op("ListIncidents"), Fabrikam);
        await invoker.SendAsync(Op("ListMachines"), Fabrikam);
        var xdrToken = (await credential.GetTokenAsync(Fabrikam, DefenderResourceIds.ThreatProtection)).Token;
        var before = fixture.Emulator.Statistics.TokenRequests(Fabrikam);

        for (var i = 0; i < 50; i++)
        {
            await Assert.ThrowsAsync<MissingPermissionException>(() => invoker.SendAsync(Op("ListIndicators"), Fabrikam));
        }

        // One fresh token for the first refusal; the other 49 are refused from the fresh one's roles.
        Assert.Equal(1, fixture.Emulator.Statistics.TokenRequests(Fabrikam) - before);
        Assert.Equal(xdrToken, (await credential.GetTokenAsync(Fabrikam, DefenderResourceIds.ThreatProtection)).Token);
        Assert.Equal(1, fixture.Emulator.Statistics.TokenRequests(Fabrikam) - before);
    }

    [Fact]
    public async Task A_401_drops_the_refused_token_and_the_call_succeeds_with_a_fresh_one()
    {
        var credential = fixture.CreateCredential();
        var invoker = fixture.CreateInvoker(credential);
        await invoker.SendAsync(Op("ListMachines"), Contoso);
        var first = (await credential.GetTokenAsync(Contoso, DefenderResourceIds.WindowsDefenderAtp)).Token;

        fixture.Emulator.Faults.RevokeTokens(Contoso);
        try
        {
            var response = await invoker.SendAsync(Op("ListMachines"), Contoso);
            Assert.Equal(200, response.Status);
            Assert.NotEqual(first, (await credential.GetTokenAsync(Contoso, DefenderResourceIds.WindowsDefenderAtp)).Token);

            // Revoked again at once: the refusal window holds, so the 401 surfaces instead of a token request per call.
            fixture.Emulator.Faults.RevokeTokens(Contoso);
            var error = await Assert.ThrowsAsync<DefenderRequestException>(() => invoker.SendAsync(Op("ListMachines"), Contoso));
            Assert.Equal(401, error.Status);
        }
        finally
        {
            fixture.Emulator.Faults.Clear();
        }
    }

    /// <summary>A credential that asks its inner one for another tenant or scope than requested: a client bug, made on purpose.</summary>
    private sealed class MisdirectingCredential(TokenCredential inner) : TokenCredential
    {
        public Func<string, string> TenantFor { get; set; } = tenant => tenant;

        public Func<string, string> ScopeFor { get; set; } = scope => scope;

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            inner.GetToken(Redirect(requestContext), cancellationToken);

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            inner.GetTokenAsync(Redirect(requestContext), cancellationToken);

        private TokenRequestContext Redirect(TokenRequestContext context) =>
            new([ScopeFor(context.Scopes[0])], tenantId: TenantFor(context.TenantId!));
    }
}
