using System.Text.Json;
using Defender365.Toolkit.Cli.Tests.Infrastructure;
using Defender365.Toolkit.Emulator;

namespace Defender365.Toolkit.Cli.Tests;

/// <summary><c>defender365 doctor</c> over several tenants of the emulator.</summary>
public sealed class DoctorCommandTests(CliEmulatorFixture fixture) : IClassFixture<CliEmulatorFixture>
{
    private string Manifest => fixture.WriteFile("doctor-scopes.json", """
        {
          "permissions": {
            "Microsoft Threat Protection": { "application": ["Incident.Read.All", "AdvancedHunting.Read.All"] },
            "WindowsDefenderATP": { "application": ["Machine.Read.All"] }
          }
        }
        """);

    private string Tenants(params string[] lines) => fixture.WriteFile($"tenants-{Guid.NewGuid():N}.txt", string.Join('\n', lines));

    private Task<CliResult> RunAsync(params string[] more) =>
        Tool.RunAsync(["doctor", "--manifest", Manifest, .. fixture.EmulatorArguments, .. more], fixture.Environment);

    [Fact]
    public async Task Reports_drift_unconsented_and_unknown_tenants_in_a_table_and_exits_with_1()
    {
        var tenants = Tenants(
            "# customers",
            $"{EmulatorOptions.ContosoTenantId}  Contoso",
            $"{EmulatorOptions.FabrikamTenantId}  Fabrikam",
            $"{EmulatorOptions.NorthwindTenantId}  # Northwind\u001b[2J Traders",
            "",
            CliEmulatorFixture.UnconsentedTenantId,
            CliEmulatorFixture.UnknownTenantId);

        var result = await RunAsync("--tenants", tenants, "--parallel", "3");

        Assert.True(result.ExitCode == 1, result.ToString());
        var rows = result.Output.Split('\n').Select(l => l.Split("  ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray();
        // Names from the file, as text or as a comment after the id (control characters dropped: the terminal escape
        // above); '-' for a tenant the file does not name.
        Assert.Contains(rows, r => r is [EmulatorOptions.ContosoTenantId, "Contoso", "ok-extra", "-", _]);
        Assert.Contains(rows, r => r is [EmulatorOptions.FabrikamTenantId, "Fabrikam", "ok", "-", "-"]);
        Assert.Contains(rows, r => r is [EmulatorOptions.NorthwindTenantId, "Northwind[2J Traders", "missing", "AdvancedHunting.Read.All, Machine.Read.All", "-"]);
        Assert.Contains(rows, r => r is [CliEmulatorFixture.UnconsentedTenantId, "-", "not-consented", "-", "-"]);
        Assert.Contains(rows, r => r is [CliEmulatorFixture.UnknownTenantId, "-", "unknown-tenant", "-", "-"]);
        Assert.DoesNotContain("\u001b", result.Output, StringComparison.Ordinal);
        Assert.Contains("2 of 5 tenants grant every declared permission.", result.Output, StringComparison.Ordinal);
        Assert.Contains($"{EmulatorOptions.NorthwindTenantId} (Northwind[2J Traders)  {fixture.Emulator.BaseAddress}{EmulatorOptions.NorthwindTenantId}/v2.0/adminconsent", result.Output, StringComparison.Ordinal);

        // Progress went to standard error, one line per tenant (not a terminal here).
        Assert.Equal(5, result.Error.Split('\n').Count(l => l.StartsWith('[')));
    }

    [Fact]
    public async Task With_nothing_listening_doctor_and_token_say_so_once_and_exit_with_4()
    {
        // A loopback port nothing listens on (bound, read, released), with the emulator's certificate still pinned.
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        string[] nowhere = ["--emulator", $"https://127.0.0.1:{port}/", "--emulator-certificate", fixture.CertificatePath];
        var tenants = Tenants(EmulatorOptions.ContosoTenantId, EmulatorOptions.FabrikamTenantId, EmulatorOptions.NorthwindTenantId);

        var doctor = await Tool.RunAsync(["doctor", "--manifest", Manifest, "--tenants", tenants, .. nowhere], fixture.Environment);
        var token = await Tool.RunAsync(["token", "--tenant", EmulatorOptions.ContosoTenantId, .. nowhere], fixture.Environment);

        Assert.True(doctor.ExitCode == 4, doctor.ToString());
        var said = doctor.Error.Split('\n').Where(l => l.StartsWith("error:", StringComparison.Ordinal)).ToArray();
        // Once, for the first tenant of the list, not once per tenant.
        Assert.Equal($"error: Nothing listens at https://127.0.0.1:{port}/ (connection refused): is the token service, or the local emulator, running at that address? No token for tenant '{EmulatorOptions.ContosoTenantId}'. Nothing was checked for any of the 3 tenants.", Assert.Single(said));
        Assert.True(token.ExitCode == 4, token.ToString());
        Assert.Contains($"Nothing listens at https://127.0.0.1:{port}/", token.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_output_for_pipelines()
    {
        var tenants = Tenants(EmulatorOptions.FabrikamTenantId, EmulatorOptions.NorthwindTenantId);

        var result = await RunAsync("--tenants", tenants, "--json");

        Assert.True(result.ExitCode == 1, result.ToString());
        using var document = JsonDocument.Parse(result.Output);
        var root = document.RootElement;
        Assert.Equal(1, root.GetProperty("healthy").GetInt32());
        Assert.Equal(2, root.GetProperty("total").GetInt32());
        var northwind = root.GetProperty("tenants").EnumerateArray().Single(t => t.GetProperty("tenant").GetString() == EmulatorOptions.NorthwindTenantId);
        Assert.Equal("missing", northwind.GetProperty("status").GetString());
        Assert.Equal(["AdvancedHunting.Read.All", "Machine.Read.All"], northwind.GetProperty("missing").EnumerateArray().Select(e => e.GetString()!));
        Assert.StartsWith($"{fixture.Emulator.BaseAddress}{EmulatorOptions.NorthwindTenantId}/v2.0/adminconsent", northwind.GetProperty("consentUrl").GetString(), StringComparison.Ordinal);
        var resources = northwind.GetProperty("resources").EnumerateArray().Select(r => r.GetProperty("resource").GetString()!).ToArray();
        Assert.Equal(["MicrosoftThreatProtection", "WindowsDefenderATP"], resources);
    }

    [Fact]
    public async Task All_tenants_healthy_exits_with_0()
    {
        var result = await RunAsync("--tenants", Tenants(EmulatorOptions.ContosoTenantId, EmulatorOptions.FabrikamTenantId));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("2 of 2 tenants grant every declared permission.", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_tenant_list_is_a_usage_error_at_its_line()
    {
        var result = await RunAsync("--tenants", Tenants(EmulatorOptions.ContosoTenantId, "not a tenant", "# fine", "  contoso  # no dot"));

        Assert.Equal(2, result.ExitCode);
        // Every bad line, each in the compiler's form.
        Assert.Contains("(2,1): error: 'not' is neither a tenant id (GUID) nor a domain.", result.Error, StringComparison.Ordinal);
        Assert.Contains("(4,3): error: 'contoso' is neither a tenant id (GUID) nor a domain.", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("error: /", result.Error, StringComparison.Ordinal);
    }
}
