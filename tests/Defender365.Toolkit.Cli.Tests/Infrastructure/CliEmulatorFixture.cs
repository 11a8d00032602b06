using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
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

    /// <summary>The password of <see cref="CertificateFile"/>.</summary>
    public string CertificatePassword { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(12));

    /// <summary>A PFX file (with <see cref="CertificatePassword"/>) of a certificate registered on the demo app.</summary>
    public string CertificateFile => Path.Combine(Directory, "app.pfx");

    private X509Certificate2? _appCertificate;

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
        using var rsa = RSA.Create(2048);
        // Kept for the emulator's life: it checks each client assertion's signature with it.
        _appCertificate = new CertificateRequest("CN=Demo app credential", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        options.Apps[0].WithCertificate(_appCertificate);
        Emulator = await DefenderEmulator.StartAsync(options);
        await File.WriteAllTextAsync(CertificatePath, Emulator.Certificate.ExportCertificatePem());
        System.IO.Directory.CreateDirectory(Directory);
        await File.WriteAllBytesAsync(CertificateFile, _appCertificate.Export(X509ContentType.Pkcs12, CertificatePassword));
    }

    public async Task DisposeAsync()
    {
        await Emulator.DisposeAsync();
        _appCertificate?.Dispose();
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
