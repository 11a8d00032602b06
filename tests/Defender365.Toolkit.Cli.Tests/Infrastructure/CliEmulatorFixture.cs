using System.Security.Cryptography;
using Defender365.Toolkit.Emulator;

namespace Defender365.Toolkit.Cli.Tests.Infrastructure;

/// <summary>
/// The emulator on loopback with the demo tenants, its certificate written where the tool is told to find it, and the
/// environment a tool process needs to sign in at it.
/// </summary>
public sealed class CliEmulatorFixture : IAsyncLifetime
{
    /// <summary>A tenant that exists but never consented to the app.</summary>
    public const string UnconsentedTenantId = "6d5c4b3a-2e1f-4a0b-8c7d-9e8f7a6b5c4d";

    /// <summary>A well-formed tenant id the emulator does not know.</summary>
    public const string UnknownTenantId = "00000000-1111-4222-8333-444444444444";

    public string Secret { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));

    public DefenderEmulator Emulator { get; private set; } = null!;

    public string CertificatePath { get; } = Path.Combine(Path.GetTempPath(), $"defender365-cli-tests-{Guid.NewGuid():N}.pem");

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), $"defender365-cli-tests-{Guid.NewGuid():N}");

    /// <summary>The options that point a tool command at this emulator.</summary>
    public string[] EmulatorArguments => ["--emulator", Emulator.BaseAddress.ToString(), "--emulator-certificate", CertificatePath];

    /// <summary>The environment with the emulator's secret.</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string> { ["DEFENDER365_EMULATOR_SECRET"] = Secret };

    public async Task InitializeAsync()
    {
        var options = EmulatorOptions.CreateDemo(Secret);
        options.AddTenant(UnconsentedTenantId, "Never consented");
        Emulator = await DefenderEmulator.StartAsync(options);
        await File.WriteAllTextAsync(CertificatePath, Emulator.Certificate.ExportCertificatePem());
        System.IO.Directory.CreateDirectory(Directory);
    }

    public async Task DisposeAsync()
    {
        await Emulator.DisposeAsync();
        File.Delete(CertificatePath);
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    /// <summary>Writes a file into the fixture's folder; returns its path.</summary>
    public string WriteFile(string name, string text)
    {
        var path = Path.Combine(Directory, name);
        File.WriteAllText(path, text);
        return path;
    }
}
