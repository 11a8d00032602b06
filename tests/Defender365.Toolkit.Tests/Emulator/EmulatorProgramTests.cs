using System.Diagnostics;
using System.Reflection;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.RegularExpressions;
using Defender365.Toolkit.Authentication;
using Defender365.Toolkit.Authorization;
using Defender365.Toolkit.Catalog;
using Defender365.Toolkit.Emulator;

namespace Defender365.Toolkit.Tests.Emulator;

/// <summary>
/// The emulator as docs/emulator.md runs it (<c>dotnet run --project src/Defender365.Toolkit.Emulator -- --port …</c>):
/// its own process prints where it listens and writes its certificate; a client that pins that certificate signs in
/// with the secret from <c>DEFENDER365_EMULATOR_SECRET</c>; closing its standard input stops it.
/// </summary>
public sealed partial class EmulatorProgramTests
{
    private static readonly string Program = typeof(EmulatorProgramTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "EmulatorAssemblyPath").Value!;

    [Fact]
    public async Task Runs_as_documented_and_serves_a_pinned_sign_in_then_stops_when_input_closes()
    {
        Assert.True(File.Exists(Program), $"The emulator was not built at {Program}.");
        var certificate = Path.Combine(Path.GetTempPath(), $"defender365-emulator-test-{Guid.NewGuid():N}.pem");
        const string Secret = "emulator-program-test-secret";
        var start = new ProcessStartInfo("dotnet", [Program, "--port", "0", "--certificate-out", certificate, "--stop-when-input-closes"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["DEFENDER365_EMULATOR_SECRET"] = Secret;
        using var process = Process.Start(start)!;
        try
        {
            var address = await ListeningAddressAsync(process);
            Assert.True(File.Exists(certificate), "The emulator wrote no certificate.");
            using var pinned = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(certificate));
            var options = new DefenderAppCredentialOptions { AuthorityHost = address, HttpClientFactory = DefenderEmulator.CreateMsalHttpClientFactory(pinned) };
            options.AllowedTenants.Add("*");

            var token = await DefenderAppCredential.FromClientSecret(EmulatorOptions.DemoClientId, Secret, options)
                .GetTokenAsync(EmulatorOptions.ContosoTenantId, DefenderResourceIds.ThreatProtection);

            Assert.Equal(EmulatorOptions.ContosoTenantId, AccessTokenClaims.Parse(token.Token).TenantId);

            process.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await process.WaitForExitAsync(timeout.Token);
            Assert.Equal(0, process.ExitCode);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            File.Delete(certificate);
        }
    }

    [Fact]
    public async Task Without_the_option_it_keeps_running_when_its_input_closes_and_a_second_on_its_port_says_so_in_one_line()
    {
        var start = new ProcessStartInfo("dotnet", [Program, "--port", "0"]) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        try
        {
            var address = await ListeningAddressAsync(process);
            // As a background job or a CI step: no input at all.
            process.StandardInput.Close();
            await Task.Delay(TimeSpan.FromSeconds(2));
            Assert.False(process.HasExited, "The emulator stopped when its input closed.");

            var second = new ProcessStartInfo("dotnet", [Program, "--port", address.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var other = Process.Start(second)!;
            var error = await other.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await other.WaitForExitAsync(timeout.Token);

            Assert.Equal(4, other.ExitCode);
            var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            Assert.Contains($"Port {address.Port} on 127.0.0.1 is in use", line, StringComparison.Ordinal);
            Assert.Contains("port 0", line, StringComparison.Ordinal);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task An_unknown_option_prints_the_usage_and_exits_with_2()
    {
        var start = new ProcessStartInfo("dotnet", [Program, "--prot", "5443"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Equal(2, process.ExitCode);
        Assert.Contains("Usage: dotnet run --project src/Defender365.Toolkit.Emulator", output, StringComparison.Ordinal);
    }

    private static async Task<Uri> ListeningAddressAsync(Process process)
    {
        var seen = new StringBuilder();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            seen.AppendLine(line);
            if (Listening().Match(line) is { Success: true } match)
            {
                return new Uri(match.Groups["address"].Value);
            }
        }

        throw new Xunit.Sdk.XunitException($"The emulator stopped before listening:\n{seen}{await process.StandardError.ReadToEndAsync()}");
    }

    [GeneratedRegex(@"listening on (?<address>https://127\.0\.0\.1:\d+/)")]
    private static partial Regex Listening();
}
