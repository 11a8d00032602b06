using Defender365.Toolkit.Cli.Tests.Infrastructure;

namespace Defender365.Toolkit.Cli.Tests;

/// <summary><c>defender365 consent-url</c>.</summary>
public sealed class ConsentUrlCommandTests(CliEmulatorFixture fixture) : IClassFixture<CliEmulatorFixture>
{
    private const string ClientId = "5f0e3a43-9b5c-4f2a-9f60-3c1f2b8f6d01";

    [Fact]
    public async Task One_link_per_tenant_and_declared_resource()
    {
        var manifest = fixture.WriteFile("consent-scopes.json", """
            {
              "permissions": {
                "Microsoft Threat Protection": { "application": ["Incident.Read.All"] },
                "WindowsDefenderATP": { "application": ["Machine.Read.All"] }
              }
            }
            """);

        var result = await Tool.RunAsync(["consent-url", "--client-id", ClientId, "--tenant", "contoso.onmicrosoft.com", "--tenant", "fabrikam.onmicrosoft.com", "--manifest", manifest]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var links = result.Output.Split('\n', StringSplitOptions.TrimEntries).Where(l => l.StartsWith("https://", StringComparison.Ordinal)).ToArray();
        Assert.Equal(
            [
                $"https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0/adminconsent?client_id={ClientId}&scope=https%3A%2F%2Fapi.security.microsoft.com%2F.default",
                $"https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0/adminconsent?client_id={ClientId}&scope=https%3A%2F%2Fapi.securitycenter.microsoft.com%2F.default",
                $"https://login.microsoftonline.com/fabrikam.onmicrosoft.com/v2.0/adminconsent?client_id={ClientId}&scope=https%3A%2F%2Fapi.security.microsoft.com%2F.default",
                $"https://login.microsoftonline.com/fabrikam.onmicrosoft.com/v2.0/adminconsent?client_id={ClientId}&scope=https%3A%2F%2Fapi.securitycenter.microsoft.com%2F.default",
            ],
            links);
    }

    [Fact]
    public async Task Cloud_redirect_uri_and_the_legacy_form()
    {
        var result = await Tool.RunAsync(["consent-url", "--client-id", ClientId, "--tenant", "contoso.onmicrosoft.us", "--cloud", "GCCHigh", "--redirect-uri", "https://app.contoso.us/consented", "--legacy"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(
            $"https://login.microsoftonline.us/contoso.onmicrosoft.us/oauth2/authorize?prompt=consent&client_id={ClientId}&response_type=code&sso_reload=true&redirect_uri=https%3A%2F%2Fapp.contoso.us%2Fconsented",
            result.Output,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Links_point_at_the_emulator_when_asked()
    {
        var result = await Tool.RunAsync(["consent-url", "--client-id", ClientId, "--tenant", "contoso.onmicrosoft.com", "--authority-host", fixture.Emulator.BaseAddress.ToString()]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"{fixture.Emulator.BaseAddress}contoso.onmicrosoft.com/v2.0/adminconsent?client_id={ClientId}", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_id_that_is_not_a_guid_is_a_usage_error()
    {
        var result = await Tool.RunAsync(["consent-url", "--client-id", "my-app", "--tenant", "contoso.onmicrosoft.com"]);

        Assert.Equal(2, result.ExitCode);
        // Nothing half-printed before the error, and no "(Parameter 'clientId')" tail.
        Assert.Equal("", result.Output);
        Assert.Equal("error: --client-id 'my-app' is not a GUID: use the app registration's Application (client) ID.", result.Error.Trim());
    }

    [Fact]
    public async Task A_broken_manifest_is_reported_at_its_line_and_column()
    {
        var manifest = fixture.WriteFile("broken-scopes.json", "{\n  \"permissions\": {\n    \"Microsoft Threat Protection\": { \"application\": [\"Incident.Read.Al\"] }\n  }\n}\n");

        var result = await Tool.RunAsync(["consent-url", "--client-id", ClientId, "--manifest", manifest]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("broken-scopes.json(3,", result.Error, StringComparison.Ordinal);
        Assert.Contains("Incident.Read.Al", result.Error, StringComparison.Ordinal);
        // The compiler's form (file(line,col): error DEF1001: …), without a second "error:" in front.
        Assert.StartsWith(manifest + "(3,", result.Error, StringComparison.Ordinal);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(result.Error, "error"));
    }
}
