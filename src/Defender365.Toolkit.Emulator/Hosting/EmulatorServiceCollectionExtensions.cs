using System.Security.Cryptography.X509Certificates;

namespace Defender365.Toolkit.Emulator;

/// <summary>Lets a hosted app (<c>AddDefenderClient</c>) talk to an emulator.</summary>
public static class EmulatorServiceCollectionExtensions
{
    /// <summary>
    /// Makes the toolkit's token and API HTTP clients trust exactly the emulator's certificate (pinned by its SHA-256
    /// hash; every other certificate is refused, so TLS validation is never off). Point the app at the emulator with
    /// <see cref="DefenderEmulator.CreateConfiguration"/> or the same settings in configuration.
    /// </summary>
    /// <param name="services">The app's services.</param>
    /// <param name="certificate"><see cref="DefenderEmulator.Certificate"/>, or <see cref="DefenderEmulator.LoadCertificate"/> for an emulator in another process.</param>
    public static IServiceCollection TrustDefenderEmulator(this IServiceCollection services, X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(certificate);
        foreach (var name in new[] { DefenderServiceCollectionExtensions.ApiHttpClientName, DefenderServiceCollectionExtensions.IdentityHttpClientName })
        {
            services.AddHttpClient(name).ConfigurePrimaryHttpMessageHandler(() => DefenderEmulator.CreatePinnedHandler(certificate));
        }

        return services;
    }
}
