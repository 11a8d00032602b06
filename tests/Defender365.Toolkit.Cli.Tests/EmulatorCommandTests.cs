using System.Diagnostics;
using Defender365.Toolkit.Cli.Tests.Infrastructure;
using Defender365.Toolkit.Emulator;

namespace Defender365.Toolkit.Cli.Tests;

/// <summary><c>defender365 emulator</c> as its own process, used by another <c>defender365</c> process.</summary>
public sealed class EmulatorCommandTests
{
    [Fact]
    public async Task Serves_the_demo_and_generated_tenants_to_the_other_commands_until_its_input_closes()
    {
        var folder = Directory.CreateTempSubdirectory("defender365-emulator-command-");
        var tenantsFile = Path.Combine(folder.FullName, "tenants.txt");
        var certificate = Path.Combine(folder.FullName, "emulator.pem");
        var environment = new Dictionary<string, string> { ["DEFENDER365_EMULATOR_SECRET"] = "emulator-command-test-secret-42" };
        using var emulator = Process.Start(Tool.StartInfo(
            ["emulator", "--port", "0", "--tenants", "20", "--tenants-out", tenantsFile, "--certificate-out", certificate, "--stop-when-input-closes"],
            environment))!;
        try
        {
            var address = await ReadAddressAsync(emulator);

            Assert.Equal(23, File.ReadAllLines(tenantsFile).Length);
            var manifest = Path.Combine(folder.FullName, "defender-scopes.json");
            await File.WriteAllTextAsync(manifest, """{ "permissions": { "Microsoft Threat Protection": { "application": ["Incident.Read.All", "AdvancedHunting.Read.All"] } } }""");
            var doctor = await Tool.RunAsync(
                ["doctor", "--manifest", manifest, "--tenants", tenantsFile, "--emulator", address, "--emulator-certificate", certificate, "--json"],
                environment);

            // Of the 20 generated tenants every tenth never consented (10, 20) and every fourth other one lacks hunting
            // (4, 8, 12, 16); of the demo tenants Northwind lacks hunting: 23 - 7 healthy.
            Assert.True(doctor.ExitCode == 1, doctor.ToString());
            Assert.Contains("\"healthy\": 16", doctor.Output, StringComparison.Ordinal);
            Assert.Contains("\"total\": 23", doctor.Output, StringComparison.Ordinal);

            var token = await Tool.RunAsync(["token", "--tenant", EmulatorOptions.ContosoTenantId, "--emulator", address, "--emulator-certificate", certificate], environment);
            Assert.True(token.ExitCode == 0, token.ToString());
        }
        finally
        {
            await StopAsync(emulator);
            folder.Delete(recursive: true);
        }

        Assert.Equal(0, emulator.ExitCode);
    }

    [Fact]
    public async Task A_fault_profile_is_applied_and_a_broken_one_is_refused_with_its_line()
    {
        var folder = Directory.CreateTempSubdirectory("defender365-emulator-faults-");
        var environment = new Dictionary<string, string> { ["DEFENDER365_EMULATOR_SECRET"] = "emulator-faults-test-secret-42" };
        try
        {
            var broken = Path.Combine(folder.FullName, "broken.json");
            await File.WriteAllTextAsync(broken, "{\n  \"rules\": [\n    { \"fault\": \"explode\" }\n  ]\n}\n");
            var refused = await Tool.RunAsync(["emulator", "--port", "0", "--faults", broken], environment);
            Assert.True(refused.ExitCode == 2, refused.ToString());
            Assert.Contains("broken.json is not a valid fault profile at line 3", refused.Error, StringComparison.Ordinal);

            // Every token request for Contoso refused as AADSTS650052: 'token' reports the consent problem (exit 1).
            var faults = Path.Combine(folder.FullName, "faults.json");
            await File.WriteAllTextAsync(faults, $$"""{ "rules": [ { "fault": "tokenError", "tenant": "{{EmulatorOptions.ContosoTenantId}}", "error": "AADSTS650052" } ] }""");
            var certificate = Path.Combine(folder.FullName, "emulator.pem");
            using var emulator = Process.Start(Tool.StartInfo(["emulator", "--port", "0", "--certificate-out", certificate, "--faults", faults, "--stop-when-input-closes"], environment))!;
            try
            {
                var address = await ReadAddressAsync(emulator);
                var token = await Tool.RunAsync(["token", "--tenant", EmulatorOptions.ContosoTenantId, "--emulator", address, "--emulator-certificate", certificate], environment);
                Assert.True(token.ExitCode != 0, token.ToString());
                Assert.Contains("650052", token.ToString(), StringComparison.Ordinal);
                var other = await Tool.RunAsync(["token", "--tenant", EmulatorOptions.FabrikamTenantId, "--emulator", address, "--emulator-certificate", certificate], environment);
                Assert.True(other.ExitCode == 0, other.ToString());
            }
            finally
            {
                await StopAsync(emulator);
            }
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_port_in_use_is_one_line_with_the_way_out_and_exit_4()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var result = await Tool.RunAsync(["emulator", "--port", port], new Dictionary<string, string> { ["DEFENDER365_EMULATOR_SECRET"] = "port-in-use-test-secret" });

            Assert.True(result.ExitCode == 4, result.ToString());
            var line = Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            Assert.Equal($"error: port {port} on 127.0.0.1 is in use (another emulator?): stop what listens there, or pass --port 0 for a free port.", line);
        }
        finally
        {
            listener.Stop();
        }
    }

    // --stop-when-input-closes: closing its input is how a parent stops it.
    private static async Task StopAsync(Process emulator)
    {
        emulator.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await emulator.WaitForExitAsync(timeout.Token);
    }

    private static async Task<string> ReadAddressAsync(Process emulator)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await emulator.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            const string Prefix = "Emulator listening on ";
            if (line.StartsWith(Prefix, StringComparison.Ordinal))
            {
                // Keep reading in the background so the emulator never blocks on a full pipe.
                _ = emulator.StandardOutput.ReadToEndAsync(CancellationToken.None);
                _ = emulator.StandardError.ReadToEndAsync(CancellationToken.None);
                return line[Prefix.Length..].Trim();
            }
        }

        throw new InvalidOperationException("The emulator exited before listening: " + await emulator.StandardError.ReadToEndAsync(timeout.Token));
    }
}
