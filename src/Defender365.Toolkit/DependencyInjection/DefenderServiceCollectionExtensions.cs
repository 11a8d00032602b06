using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using Azure.Core.Pipeline;
using Defender365.Toolkit.Authentication;
using Defender365.Toolkit.Authentication.SharedCache;
using Defender365.Toolkit.Catalog;
using Defender365.Toolkit.DependencyInjection;
using Defender365.Toolkit.Diagnostics;
using Defender365.Toolkit.Http;
using Defender365.Toolkit.Quotas;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Identity.Client;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Defender clients in a service collection, configured from a configuration section.</summary>
public static class DefenderServiceCollectionExtensions
{
    /// <summary>The <see cref="IHttpClientFactory"/> name of the client that calls the Defender APIs; configure it with <c>AddHttpClient(name)</c>.</summary>
    public const string ApiHttpClientName = "Defender365.Api";

    /// <summary>The <see cref="IHttpClientFactory"/> name of the client MSAL uses to reach the token service.</summary>
    public const string IdentityHttpClientName = "Defender365.Identity";

    /// <summary>
    /// Binds <see cref="DefenderOptions"/> to <paramref name="section"/> (validated when the app starts) and registers a
    /// <see cref="DefenderAppCredential"/>, <see cref="DefenderClientOptions"/> and a shared
    /// <see cref="DefenderOperationInvoker"/> as singletons, sending through <see cref="IHttpClientFactory"/> and
    /// logging through the app's <see cref="ILoggerFactory"/>. The generated <c>DefenderClient</c> takes the invoker:
    /// register it with <see cref="AddDefenderClient{TClient}(IServiceCollection, IConfigurationSection)"/>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="section">The configuration section, usually <c>configuration.GetSection("Defender")</c>.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddDefenderClient(this IServiceCollection services, IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);

        services.AddOptions<DefenderOptions>().Bind(section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DefenderOptions>>(new DefenderOptionsValidator(section.Path)));
        // Both clients carry credentials (a bearer token; a secret or assertion in the token request's body): the
        // factory's default loggers are replaced with one that logs no header, query or body.
        foreach (var name in new[] { ApiHttpClientName, IdentityHttpClientName })
        {
            services.AddHttpClient(name)
                .RemoveAllLoggers()
                .AddLogger(provider => new DefenderHttpClientLogger(provider.GetRequiredService<ILoggerFactory>().CreateLogger(DefenderLog.HttpCategory)));

            // After every other configuration (a handler of the app's own included): a redirect is never followed, so a
            // 3xx to another host cannot take the request there or have its answer accepted.
            services.PostConfigure<HttpClientFactoryOptions>(name, options => options.HttpMessageHandlerBuilderActions.Add(builder =>
            {
                switch (builder.PrimaryHandler)
                {
                    case SocketsHttpHandler sockets:
                        sockets.AllowAutoRedirect = false;
                        break;
                    case HttpClientHandler client:
                        client.AllowAutoRedirect = false;
                        break;
                }
            }));
        }

        services.AddLogging();

        services.TryAddSingleton(provider =>
        {
            var settings = provider.GetRequiredService<IOptions<DefenderOptions>>().Value;
            var options = new DefenderAppCredentialOptions
            {
                Cloud = settings.ParsedCloud,
                AuthorityHost = settings.AuthorityHost,
                HttpClientFactory = new MsalHttpClients(provider.GetRequiredService<IHttpClientFactory>()),
                LoggerFactory = provider.GetService<ILoggerFactory>(),
                SharedTokenCache = provider.GetService<DefenderSharedTokenCache>(),
                MaxCachedTokens = settings.MaxCachedTokens,
            };
            foreach (var tenant in settings.AllowedTenants)
            {
                options.AllowedTenants.Add(tenant);
            }

            return string.IsNullOrEmpty(settings.CertificatePath)
                ? DefenderAppCredential.FromClientSecret(settings.ClientId!, settings.ClientSecret!, options)
                : DefenderAppCredential.FromCertificateFile(settings.ClientId!, settings.CertificatePath, settings.CertificatePassword, options);
        });

        services.TryAddSingleton(provider =>
        {
            var settings = provider.GetRequiredService<IOptions<DefenderOptions>>().Value;
            var options = new DefenderClientOptions
            {
                Cloud = settings.ParsedCloud,
                AuthorityHost = settings.AuthorityHost,
                ValidatePermissions = settings.ValidatePermissions,
                UseQuotas = settings.UseQuotas,
                // The governor registered for the app (AddDefenderRedis shares one through Redis); else the invoker's own.
                QuotaLimiter = settings.UseQuotas ? provider.GetService<DefenderQuotaLimiter>() : null,
                LoggerFactory = provider.GetService<ILoggerFactory>(),
                Transport = new HttpClientTransport(provider.GetRequiredService<IHttpClientFactory>().CreateClient(ApiHttpClientName)),
            };
            options.Retry.MaxRetries = settings.MaxRetries;
            settings.Quotas.CopyTo(options.Quotas);
            foreach (var (resourceId, url) in settings.Endpoints)
            {
                options.Endpoints[resourceId] = url;
            }

            return options;
        });

        services.TryAddSingleton(provider => new DefenderOperationInvoker(
            provider.GetRequiredService<DefenderAppCredential>(),
            provider.GetRequiredService<DefenderClientOptions>()));
        return services;
    }

    /// <summary>
    /// <see cref="AddDefenderClient(IServiceCollection, IConfigurationSection)"/>, and <typeparamref name="TClient"/> (the
    /// generated <c>DefenderClient</c>) as a singleton over the shared invoker.
    /// </summary>
    /// <remarks>
    /// The generated client carries the cloud its <c>defender-scopes.json</c> declares (<see cref="DefenderManifestAttribute"/>):
    /// with no <c>Cloud</c> setting the credential, sign-in host and API hosts are that cloud's; a <c>Cloud</c> setting
    /// that names another cloud stops the app at start with both names.
    /// </remarks>
    /// <typeparam name="TClient">A client with a constructor that takes a <see cref="DefenderOperationInvoker"/>.</typeparam>
    /// <param name="services">The service collection.</param>
    /// <param name="section">The configuration section, usually <c>configuration.GetSection("Defender")</c>.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddDefenderClient<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TClient>(this IServiceCollection services, IConfigurationSection section)
        where TClient : class
    {
        services.AddDefenderClient(section);
        // The generated client carries its manifest's cloud: the default when configuration names none, a start-up
        // error when it names another (a GCCHigh app must not sign in at the commercial host).
        if (typeof(TClient).GetCustomAttribute<DefenderManifestAttribute>(inherit: true) is { } manifest)
        {
            var client = typeof(TClient).FullName ?? typeof(TClient).Name;
            services.PostConfigure<DefenderOptions>(options => options.Manifest = (manifest.Cloud, client));
        }

        services.TryAddSingleton(provider => ActivatorUtilities.CreateInstance<TClient>(provider, provider.GetRequiredService<DefenderOperationInvoker>()));
        return services;
    }

    // MSAL asks for its HttpClient once per client application; the factory's pooled handlers are what it gets.
    private sealed class MsalHttpClients(IHttpClientFactory factory) : IMsalHttpClientFactory
    {
        public HttpClient GetHttpClient() => factory.CreateClient(IdentityHttpClientName);
    }
}
