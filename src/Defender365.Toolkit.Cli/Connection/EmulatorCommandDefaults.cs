namespace Defender365.Toolkit.Cli.Connection;

/// <summary>What 'defender365 emulator' and the commands that talk to it agree on without being told.</summary>
internal static class EmulatorCommandDefaults
{
    /// <summary>The port the emulator listens on unless told otherwise.</summary>
    public const int Port = 5443;

    /// <summary>Where the emulator on <paramref name="port"/> writes its TLS certificate (public part, PEM) for clients to pin.</summary>
    public static string CertificatePath(int port) => Path.Combine(Path.GetTempPath(), $"defender365-emulator-{port}.pem");
}
