using Defender365.Toolkit.Cli.Tests.Infrastructure;
using Defender365.Toolkit.Emulator;

namespace Defender365.Toolkit.Cli.Tests;

/// <summary><c>defender365 token</c> against the emulator: a real MSAL sign-in from the tool's process.</summary>
public sealed class TokenCommandTests(CliEmulatorFixture fixture) : IClassFixture<CliEmulatorFixture>
{
    private string Manifest => fixture.WriteFile("token-scopes.json", """
        { "permissions": { "Microsoft Threat Protection": { "application": ["Incident.Read.All", "AdvancedHunting.Read.All"] } } }
        """);

    private Task<CliResult> RunAsync(string tenant, params string[] more) =>
        Tool.RunAsync(["token", "--tenant", tenant, .. fixture.EmulatorArguments, .. more], fixture.Environment);

    [Fact]
    public async Task Prints_the_decoded_token_and_no_drift_for_a_consented_tenant()
    {
        var result = await RunAsync(EmulatorOptions.FabrikamTenantId, "--manifest", Manifest);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"Tenant     {EmulatorOptions.FabrikamTenantId}", result.Output, StringComparison.Ordinal);
        Assert.Contains("Audience   https://api.security.microsoft.com", result.Output, StringComparison.Ordinal);
        Assert.Contains($"App id     {EmulatorOptions.DemoClientId}", result.Output, StringComparison.Ordinal);
        Assert.Contains("Roles      AdvancedHunting.Read.All, Incident.Read.All", result.Output, StringComparison.Ordinal);
        Assert.Contains("Missing    none", result.Output, StringComparison.Ordinal);
        Assert.Matches(@"Expires    \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ \(in 5\d min\)", result.Output);

        // The token itself is not printed without --raw (a JWT starts with the base64 of '{"').
        Assert.DoesNotContain("eyJ", result.Output + result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Defender__ClientSecret")]
    [InlineData("DEFENDER__CLIENTSECRET")]
    public async Task The_secret_is_read_from_the_configuration_key_a_hosted_app_reads(string variable)
    {
        // Not the emulator's own variable: the client secret under the name AddDefenderClient and the DEF3001 fix use.
        var environment = fixture.Environment.Where(kv => kv.Key != "DEFENDER365_EMULATOR_SECRET").ToDictionary(kv => kv.Key, kv => kv.Value);
        environment[variable] = fixture.Environment["DEFENDER365_EMULATOR_SECRET"];

        var result = await Tool.RunAsync(["token", "--tenant", EmulatorOptions.FabrikamTenantId, .. fixture.EmulatorArguments], environment);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"Tenant     {EmulatorOptions.FabrikamTenantId}", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_without_roles_is_a_finding_with_a_warning_and_the_consent_link()
    {
        // Northwind consented to Defender XDR only: its Defender for Endpoint token carries no role.
        var result = await RunAsync(EmulatorOptions.NorthwindTenantId, "--resource", "WindowsDefenderATP");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("Roles      (none)", result.Output, StringComparison.Ordinal);
        Assert.Contains("warning: the token carries no roles", result.Error, StringComparison.Ordinal);
        Assert.Contains("adminconsent", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_permission_exits_with_1_and_gives_the_consent_link()
    {
        var result = await RunAsync(EmulatorOptions.NorthwindTenantId, "--manifest", Manifest);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Missing    AdvancedHunting.Read.All", result.Output, StringComparison.Ordinal);
        Assert.Contains($"{fixture.Emulator.BaseAddress}{EmulatorOptions.NorthwindTenantId}/v2.0/adminconsent?client_id={EmulatorOptions.DemoClientId}", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Extra_roles_are_shown_but_do_not_fail()
    {
        var result = await RunAsync(EmulatorOptions.ContosoTenantId, "--manifest", Manifest);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Extra      Incident.ReadWrite.All (granted, not declared)", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Raw_prints_the_token_with_a_warning_on_standard_error()
    {
        var result = await RunAsync(EmulatorOptions.ContosoTenantId, "--raw");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches(@"Token      eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+", result.Output);
        Assert.Contains("warning: the token below lets anyone who has it call the APIs", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unconsented_tenant_exits_with_1_and_says_so()
    {
        var result = await RunAsync(CliEmulatorFixture.UnconsentedTenantId);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(CliEmulatorFixture.UnconsentedTenantId, result.Error, StringComparison.Ordinal);
        Assert.Contains("adminconsent", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_secret_exits_with_3_and_never_prints_the_secret()
    {
        const string WrongSecret = "not-the-emulator-secret-0123456789";
        var result = await Tool.RunAsync(
            ["token", "--tenant", EmulatorOptions.ContosoTenantId, .. fixture.EmulatorArguments],
            new Dictionary<string, string> { ["DEFENDER365_EMULATOR_SECRET"] = WrongSecret });

        Assert.Equal(3, result.ExitCode);
        Assert.DoesNotContain(WrongSecret, result.Output + result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(fixture.Secret, result.Output + result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_certificate_signs_in_with_its_password_from_the_environment()
    {
        var result = await Tool.RunAsync(
            ["token", "--tenant", EmulatorOptions.FabrikamTenantId, "--certificate", fixture.CertificateFile, .. fixture.EmulatorArguments],
            new Dictionary<string, string> { ["Defender__CertificatePassword"] = fixture.CertificatePassword });

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"Tenant     {EmulatorOptions.FabrikamTenantId}", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_certificate_password_exits_with_3_naming_the_file_and_the_variable()
    {
        const string WrongPassword = "not-the-Passw0rd";
        var result = await Tool.RunAsync(
            ["token", "--tenant", EmulatorOptions.FabrikamTenantId, "--certificate", fixture.CertificateFile, .. fixture.EmulatorArguments],
            new Dictionary<string, string> { ["Defender__CertificatePassword"] = WrongPassword });

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Contains("'app.pfx' could not be read", result.Error, StringComparison.Ordinal);
        Assert.Contains("Defender__CertificatePassword", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(WrongPassword, result.Output + result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(fixture.CertificatePassword, result.Output + result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_certificate_file_exits_with_3_and_names_it()
    {
        var missing = Path.Combine(fixture.Directory, "missing.pfx");
        var result = await Tool.RunAsync(["token", "--tenant", EmulatorOptions.FabrikamTenantId, "--certificate", missing, .. fixture.EmulatorArguments]);

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Contains($"'{missing}' does not exist", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_secret_configured_names_the_variable_to_set()
    {
        var result = await Tool.RunAsync(["token", "--tenant", EmulatorOptions.ContosoTenantId, .. fixture.EmulatorArguments]);

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("DEFENDER365_EMULATOR_SECRET", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_emulator_option_accepts_only_loopback_addresses()
    {
        var result = await Tool.RunAsync(["token", "--tenant", EmulatorOptions.ContosoTenantId, "--emulator", "https://login.example.com/", "--emulator-certificate", fixture.CertificatePath], fixture.Environment);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("https address on this machine", result.Error, StringComparison.Ordinal);
    }
}
