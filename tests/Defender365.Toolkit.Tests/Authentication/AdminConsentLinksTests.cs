using Defender365.Toolkit.Authentication;
using Defender365.Toolkit.Catalog;

namespace Defender365.Toolkit.Tests.Authentication;

public sealed class AdminConsentLinksTests
{
    private const string ClientId = "5f0e3a43-9b5c-4f2a-9f60-3c1f2b8f6d01";

    [Fact]
    public void V2_link_requests_the_resource_default_scope_for_the_tenant()
    {
        var url = AdminConsentLinks.AdminConsentUrl(ClientId, "contoso.onmicrosoft.com", redirectUri: new Uri("https://app.example/consented"), state: "s1");
        Assert.Equal(
            "https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0/adminconsent?client_id=5f0e3a43-9b5c-4f2a-9f60-3c1f2b8f6d01&scope=https%3A%2F%2Fapi.security.microsoft.com%2F.default&redirect_uri=https%3A%2F%2Fapp.example%2Fconsented&state=s1",
            url.AbsoluteUri);
    }

    [Fact]
    public void Government_clouds_use_their_sign_in_host_and_audience()
    {
        var url = AdminConsentLinks.AdminConsentUrl(ClientId, "organizations", DefenderCloud.GCCHigh, DefenderResourceIds.WindowsDefenderAtp);
        Assert.StartsWith("https://login.microsoftonline.us/organizations/v2.0/adminconsent?", url.AbsoluteUri, StringComparison.Ordinal);
        Assert.Contains("api-gov.securitycenter.microsoft.us", Uri.UnescapeDataString(url.Query), StringComparison.Ordinal);
    }

    [Fact]
    public void V1_link_is_the_form_the_partner_docs_give()
    {
        Assert.Equal(
            "https://login.microsoftonline.com/common/oauth2/authorize?prompt=consent&client_id=5f0e3a43-9b5c-4f2a-9f60-3c1f2b8f6d01&response_type=code&sso_reload=true",
            AdminConsentLinks.LegacyConsentUrl(ClientId).AbsoluteUri);
    }

    [Fact]
    public void Rejects_common_for_v2_and_non_guid_client_ids()
    {
        Assert.Throws<ArgumentException>(() => AdminConsentLinks.AdminConsentUrl(ClientId, "common"));
        Assert.Throws<ArgumentException>(() => AdminConsentLinks.AdminConsentUrl("my-app"));
    }
}

public sealed class NationalCloudTests
{
    [Theory]
    [InlineData(DefenderCloud.Commercial, "https://login.microsoftonline.com/")]
    [InlineData(DefenderCloud.GCC, "https://login.microsoftonline.com/")]
    [InlineData(DefenderCloud.GCCHigh, "https://login.microsoftonline.us/")]
    [InlineData(DefenderCloud.DoD, "https://login.microsoftonline.us/")]
    public void The_credential_signs_in_at_the_clouds_host(DefenderCloud cloud, string expected)
    {
        var credential = DefenderAppCredential.FromClientSecret("5f0e3a43-9b5c-4f2a-9f60-3c1f2b8f6d01", "unused", new DefenderAppCredentialOptions { Cloud = cloud });
        Assert.Equal(expected, credential.AuthorityHost.AbsoluteUri);
        Assert.StartsWith(expected, credential.GetAdminConsentUrl("t").AbsoluteUri, StringComparison.Ordinal);
    }

    [Fact]
    public void Government_clouds_call_their_own_api_hosts_with_their_own_audiences()
    {
        var mde = DefenderCatalog.Default.GetResource(DefenderResourceIds.WindowsDefenderAtp).GetEndpoint(DefenderCloud.GCCHigh);
        Assert.Equal("https://api-gov.securitycenter.microsoft.us/", mde.ApiBaseUrl.AbsoluteUri);
        Assert.Equal("https://api-gov.securitycenter.microsoft.us/.default", mde.DefaultScope);
    }
}
