using System.CommandLine;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Defender365.Toolkit.Authentication;
using Defender365.Toolkit.Emulator;
using Microsoft.Extensions.Configuration;

namespace Defender365.Toolkit.Cli.Connection;

/// <summary>How the tool signs in as the app: the credential, built from <see cref="AppConnectionOptions"/> and the environment.</summary>
internal static class AppConnection
{
    /// <summary>Builds the credential for <paramref name="tenants"/>; throws <see cref="CommandException"/> with what to set when something is missing.</summary>
    public static DefenderAppCredential CreateCredential(ParseResult parse, AppConnectionOptions options, IReadOnlyCollection<string> tenants)
    {
        var emulator = parse.GetValue(options.Emulator);
        var settings = ReadSettings(parse.GetValue(options.UserSecretsId));
        var clientId = parse.GetValue(options.ClientId)
            ?? settings[AppConnectionOptions.ClientIdKey]
            ?? (emulator is not null ? EmulatorOptions.DemoClientId : null)
            ?? throw new CommandException($"No client id: pass --client-id or set {AppConnectionOptions.ClientIdVariable}.", ExitCodes.Configuration);
        if (!Guid.TryParse(clientId, out _))
        {
            throw new CommandException($"The client id '{clientId}' is not a GUID: use the app registration's 'Application (client) ID'.", ExitCodes.Configuration);
        }

        var credentialOptions = new DefenderAppCredentialOptions { Cloud = parse.GetValue(options.Cloud) };
        foreach (var tenant in tenants)
        {
            credentialOptions.AllowedTenants.Add(tenant);
        }

        if (emulator is not null)
        {
            credentialOptions.AuthorityHost = emulator;
            credentialOptions.HttpClientFactory = DefenderEmulator.CreateMsalHttpClientFactory(LoadEmulatorCertificate(emulator, parse.GetValue(options.EmulatorCertificate)));
        }

        var secret = (emulator is not null ? Environment.GetEnvironmentVariable(AppConnectionOptions.EmulatorSecretVariable) : null)
            ?? settings[AppConnectionOptions.ClientSecretKey];
        var certificateFile = parse.GetValue(options.Certificate);
        if (certificateFile is not null)
        {
            if (!string.IsNullOrEmpty(secret))
            {
                throw new CommandException($"Both a client secret ({AppConnectionOptions.ClientSecretVariable} or user-secrets) and --certificate are set: use one.", ExitCodes.Configuration);
            }

            return FromCertificateFile(clientId, certificateFile, settings[AppConnectionOptions.CertificatePasswordKey], credentialOptions);
        }

        if (string.IsNullOrEmpty(secret))
        {
            throw new CommandException(
                $"No client secret: set {(emulator is not null ? AppConnectionOptions.EmulatorSecretVariable : AppConnectionOptions.ClientSecretVariable)}, use --user-secrets-id, or sign in with --certificate.",
                ExitCodes.Configuration);
        }

        return DefenderAppCredential.FromClientSecret(clientId, secret, credentialOptions);
    }

    /// <summary>
    /// Where the API calls go: the cloud's endpoints, or every API at the emulator over a connection pinned to its
    /// certificate (loopback only, as for signing in).
    /// </summary>
    public static Http.DefenderClientOptions CreateClientOptions(ParseResult parse, AppConnectionOptions options)
    {
        var clientOptions = new Http.DefenderClientOptions { Cloud = parse.GetValue(options.Cloud) };
        if (parse.GetValue(options.Emulator) is { } emulator)
        {
            var certificate = LoadEmulatorCertificate(emulator, parse.GetValue(options.EmulatorCertificate));
            clientOptions.AuthorityHost = emulator;
            clientOptions.Transport = new Azure.Core.Pipeline.HttpClientTransport(new HttpClient(DefenderEmulator.CreatePinnedHandler(certificate), disposeHandler: true));
            foreach (var resource in Catalog.DefenderCatalog.Default.Resources)
            {
                clientOptions.Endpoints[resource.Id] = emulator;
            }
        }

        return clientOptions;
    }

    // As a hosted app reads them: user-secrets (when an id is given), then the environment (Defender__ClientSecret), which wins.
    private static IConfiguration ReadSettings(string? userSecretsId)
    {
        var builder = new ConfigurationBuilder();
        if (userSecretsId is not null)
        {
            builder.AddUserSecrets(userSecretsId, reloadOnChange: false);
        }

        return builder.AddEnvironmentVariables().Build();
    }

    // The runtime loads the file; its errors name the file (never the password) and become configuration errors here.
    private static DefenderAppCredential FromCertificateFile(string clientId, FileInfo file, string? password, DefenderAppCredentialOptions options)
    {
        try
        {
            return DefenderAppCredential.FromCertificateFile(clientId, file.FullName, password, options);
        }
        catch (FileNotFoundException e)
        {
            throw new CommandException(e.Message, ExitCodes.Configuration);
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            throw new CommandException($"{e.Message} Set {AppConnectionOptions.CertificatePasswordVariable} for a PFX password.", ExitCodes.Configuration);
        }
        catch (ArgumentException e) when (e.ParamName == "certificate")
        {
            throw new CommandException($"{file.Name}: {e.Message}", ExitCodes.Configuration);
        }
    }

    // The emulator's certificate is trusted by pinning, and only for a loopback address: TLS validation is never turned
    // off, and no other host can be trusted this way.
    private static X509Certificate2 LoadEmulatorCertificate(Uri emulator, FileInfo? file)
    {
        if (emulator.Scheme != Uri.UriSchemeHttps || !(emulator.IsLoopback || (IPAddress.TryParse(emulator.Host, out var address) && IPAddress.IsLoopback(address))))
        {
            throw new CommandException($"--emulator must be an https address on this machine (https://127.0.0.1:<port>/); got {emulator}.", ExitCodes.Usage);
        }

        var path = file?.FullName ?? EmulatorCommandDefaults.CertificatePath(emulator.Port);
        if (!File.Exists(path))
        {
            throw new CommandException($"The emulator's certificate was not found at {path}: start it with 'defender365 emulator', or pass --emulator-certificate.", ExitCodes.Configuration);
        }

        try
        {
            return DefenderEmulator.LoadCertificate(path);
        }
        catch (Exception e) when (e is FileNotFoundException or InvalidDataException)
        {
            throw new CommandException(e.Message, ExitCodes.Configuration);
        }
    }
}
