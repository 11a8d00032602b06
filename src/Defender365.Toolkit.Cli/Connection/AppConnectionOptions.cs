using System.CommandLine;
using Defender365.Toolkit.Catalog;
using Defender365.Toolkit.Cli.Commands;

namespace Defender365.Toolkit.Cli.Connection;

/// <summary>
/// The options that say how the tool signs in as the app, shared by the commands that acquire tokens. Secrets are never
/// options (a command line is visible in process lists and shell history): they come from the environment or
/// user-secrets, under the configuration keys a hosted app reads (<c>Defender:ClientSecret</c>, as the environment
/// variable <c>Defender__ClientSecret</c>), so one secret has one name in the app, the tool and the DEF3001 fix.
/// </summary>
internal sealed class AppConnectionOptions
{
    public const string ClientIdKey = "Defender:ClientId";
    public const string ClientSecretKey = "Defender:ClientSecret";
    public const string CertificatePasswordKey = "Defender:CertificatePassword";

    public const string ClientIdVariable = "Defender__ClientId";
    public const string ClientSecretVariable = "Defender__ClientSecret";
    public const string CertificatePasswordVariable = "Defender__CertificatePassword";
    public const string EmulatorSecretVariable = "DEFENDER365_EMULATOR_SECRET";

    public Option<string?> ClientId { get; } = new("--client-id")
    {
        Description = $"The app registration's Application (client) ID. Default: ${ClientIdVariable}, then user-secrets '{ClientIdKey}', then the emulator's demo app with --emulator.",
    };

    public Option<FileInfo?> Certificate { get; } = new("--certificate")
    {
        Description = $"Sign in with this certificate (PFX/PKCS#12, or PEM with its private key) instead of a client secret. Password: ${CertificatePasswordVariable}.",
    };

    public Option<string?> UserSecretsId { get; } = new("--user-secrets-id")
    {
        Description = $"Read '{ClientSecretKey}' (and '{ClientIdKey}', '{CertificatePasswordKey}') from this user-secrets store, as set with 'dotnet user-secrets set'.",
    };

    public Option<DefenderCloud> Cloud { get; } = new("--cloud")
    {
        Description = "The cloud of the app and its tenants: Commercial, GCC, GCCHigh or DoD.",
        DefaultValueFactory = _ => DefenderCloud.Commercial,
    };

    public Option<Uri?> Emulator { get; } = UriOption.Create(
        "--emulator",
        $"Sign in at a local emulator (https://127.0.0.1:<port>/) instead of Entra ID. Secret: ${EmulatorSecretVariable}, then ${ClientSecretVariable}.");

    public Option<FileInfo?> EmulatorCertificate { get; } = new("--emulator-certificate")
    {
        Description = "The emulator's TLS certificate (PEM) to trust. Default: the file 'defender365 emulator' wrote for that port in the temp folder.",
    };

    public void AddTo(Command command)
    {
        command.Add(ClientId);
        command.Add(Certificate);
        command.Add(UserSecretsId);
        command.Add(Cloud);
        command.Add(Emulator);
        command.Add(EmulatorCertificate);
    }
}
