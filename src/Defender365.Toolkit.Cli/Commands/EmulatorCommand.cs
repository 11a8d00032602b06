using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using Defender365.Toolkit.Catalog;
using Defender365.Toolkit.Cli.Connection;
using Defender365.Toolkit.Emulator;

namespace Defender365.Toolkit.Cli.Commands;

/// <summary><c>defender365 emulator</c>: the local Entra ID and Defender APIs, until Ctrl+C.</summary>
internal static class EmulatorCommand
{
    public static Command Create(CliConsole console)
    {
        var port = new Option<int>("--port") { Description = $"The loopback port (0 picks a free one).", DefaultValueFactory = _ => EmulatorCommandDefaults.Port };
        var tenants = new Option<int>("--tenants") { Description = "Extra generated tenants besides the three demo ones, with a mix of full, partial and no consent.", DefaultValueFactory = _ => 0 };
        tenants.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 0 or > 100_000)
            {
                result.AddError("--tenants must be between 0 and 100000.");
            }
        });
        var tenantsOut = new Option<FileInfo?>("--tenants-out") { Description = "Write the served tenant ids to this file (the input of 'defender365 doctor --tenants')." };
        var incidents = new Option<int>("--incidents") { Description = "Seeded incidents per tenant.", DefaultValueFactory = _ => 30 };
        var certificateOut = new Option<FileInfo?>("--certificate-out") { Description = "Where to write the TLS certificate clients pin. Default: defender365-emulator-<port>.pem in the temp folder, where the other commands look." };

        var faults = new Option<FileInfo?>("--faults") { Description = "A fault profile (JSON) to inject what production does: transport failures, throttling, quotas, service errors (docs/emulator.md)." };
        var stopWhenInputCloses = new Option<bool>("--stop-when-input-closes") { Description = "Also stop when standard input closes: for a program that starts the emulator and wants it gone when it exits." };

        var command = new Command("emulator", $"Run the local emulator of Entra ID and the Defender APIs (demo app and tenants) until Ctrl+C. The demo app's client secret is {AppConnectionOptions.EmulatorSecretVariable} when set, else made for the run and printed.")
        {
            port, tenants, tenantsOut, incidents, certificateOut, faults, stopWhenInputCloses,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            // The demo secret: the one in DEFENDER365_EMULATOR_SECRET (so scripts can set it once), else made for this run.
            var secret = Environment.GetEnvironmentVariable(AppConnectionOptions.EmulatorSecretVariable);
            var generated = string.IsNullOrEmpty(secret);
            if (generated)
            {
                secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
            }

            // Read before anything starts: a broken profile is a usage error with its line, not a half-started emulator.
            EmulatorFaultProfile? profile = null;
            if (parse.GetValue(faults) is { } faultsFile)
            {
                try
                {
                    profile = EmulatorFaultProfile.Load(faultsFile.FullName);
                }
                catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException)
                {
                    console.Error.WriteLine($"defender365 emulator: {e.Message}");
                    return ExitCodes.Usage;
                }
            }

            var options = EmulatorOptions.CreateDemo(secret!);
            options.Port = parse.GetValue(port);
            options.IncidentsPerTenant = parse.GetValue(incidents);
            AddGeneratedTenants(options, parse.GetValue(tenants));

            DefenderEmulator started;
            try
            {
                started = await DefenderEmulator.StartAsync(options, cancellationToken).ConfigureAwait(false);
            }
            catch (EmulatorPortInUseException e)
            {
                throw new CommandException($"port {e.Port} on 127.0.0.1 is in use (another emulator?): stop what listens there, or pass --port 0 for a free port.", ExitCodes.Unavailable);
            }

            await using var emulator = started;
            emulator.Faults.Apply(profile);
            var certificatePath = parse.GetValue(certificateOut)?.FullName ?? EmulatorCommandDefaults.CertificatePath(emulator.BaseAddress.Port);
            await File.WriteAllTextAsync(certificatePath, emulator.Certificate.ExportCertificatePem(), cancellationToken).ConfigureAwait(false);
            if (parse.GetValue(tenantsOut) is { } file)
            {
                await File.WriteAllLinesAsync(file.FullName, options.Tenants.Select(t => $"{t.TenantId}  # {t.DisplayName}"), cancellationToken).ConfigureAwait(false);
            }

            var output = console.Out;
            output.WriteLine($"Emulator listening on {emulator.BaseAddress}");
            output.WriteLine($"App (client) id   {EmulatorOptions.DemoClientId}");
            output.WriteLine(generated
                ? $"Client secret     {secret}   (made for this run; set {AppConnectionOptions.EmulatorSecretVariable} to choose it)"
                : $"Client secret     from {AppConnectionOptions.EmulatorSecretVariable}");
            output.WriteLine($"TLS certificate   {certificatePath}   (clients pin it; nothing else is trusted)");
            if (profile is not null)
            {
                output.WriteLine($"Faults            {profile.Rules.Count} rule(s) from {parse.GetValue(faults)!.Name}: {string.Join(", ", profile.Rules.Select(r => r.Fault).Distinct())}");
            }

            output.WriteLine($"Tenants           {options.Tenants.Count}{(parse.GetValue(tenantsOut) is { } listed ? $", listed in {listed.FullName}" : "")}");
            foreach (var tenant in options.Tenants.Take(5))
            {
                output.WriteLine($"  {tenant.TenantId}  {tenant.DisplayName}");
            }

            if (options.Tenants.Count > 5)
            {
                output.WriteLine($"  … and {options.Tenants.Count - 5} more");
            }

            output.WriteLine();
            output.WriteLine($"Try: defender365 token --emulator {emulator.BaseAddress} --tenant {EmulatorOptions.ContosoTenantId}");
            output.WriteLine("Press Ctrl+C to stop.");
            output.Flush();

            await WaitForStopAsync(parse.GetValue(stopWhenInputCloses), cancellationToken).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    // Tenants named "Tenant 0001"…, ids d3f365000000-…: most consent fully, every fourth lacks hunting, every tenth
    // never consented (no service principal), so 'doctor' has something to find.
    private static void AddGeneratedTenants(EmulatorOptions options, int count)
    {
        for (var i = 1; i <= count; i++)
        {
            var id = string.Create(CultureInfo.InvariantCulture, $"d3f36500-0000-4000-8000-{i:D12}");
            var tenant = options.AddTenant(id, string.Create(CultureInfo.InvariantCulture, $"Tenant {i:D4}"));
            if (i % 10 == 0)
            {
                continue;
            }

            tenant.Consent(EmulatorOptions.DemoClientId, DefenderResourceIds.ThreatProtection, i % 4 == 0 ? ["Incident.Read.All"] : ["Incident.Read.All", "AdvancedHunting.Read.All"]);
            tenant.Consent(EmulatorOptions.DemoClientId, DefenderResourceIds.WindowsDefenderAtp, "Machine.Read.All");
        }
    }

    // Until Ctrl+C (or SIGTERM), or, when asked, until standard input closes. Not by default: a background job's input
    // is often /dev/null, which reads as closed at once.
    private static async Task WaitForStopAsync(bool stopWhenInputCloses, CancellationToken cancellationToken)
    {
        var stopped = new TaskCompletionSource();
        using var registration = cancellationToken.Register(() => stopped.TrySetResult());
        if (stopWhenInputCloses)
        {
            _ = Task.Run(async () =>
            {
                while (await Console.In.ReadLineAsync(cancellationToken).ConfigureAwait(false) is not null)
                {
                }

                stopped.TrySetResult();
            }, cancellationToken);
        }

        await stopped.Task.ConfigureAwait(false);
    }
}
