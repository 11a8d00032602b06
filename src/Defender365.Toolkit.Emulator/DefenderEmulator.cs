using System.Net;
using System.Security.Cryptography.X509Certificates;
using Azure.Core.Pipeline;
using Defender365.Toolkit.Authentication;
using Defender365.Toolkit.Catalog;
using Defender365.Toolkit.Emulator.Api;
using Defender365.Toolkit.Emulator.Data;
using Defender365.Toolkit.Emulator.Hosting;
using Defender365.Toolkit.Emulator.Identity;
using Defender365.Toolkit.Http;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Identity.Client;

namespace Defender365.Toolkit.Emulator;

/// <summary>
/// A running emulator: Entra ID token service and Defender, Defender for Endpoint and Graph security APIs on one
/// loopback HTTPS address. Start it in-process (tests, samples) or with <c>dotnet run</c>.
/// </summary>
/// <example>
/// <code>
/// await using var emulator = await DefenderEmulator.StartAsync(EmulatorOptions.CreateDemo(secret));
/// var credential = DefenderAppCredential.FromClientSecret(EmulatorOptions.DemoClientId, secret, emulator.CreateCredentialOptions("*"));
/// var invoker = new DefenderOperationInvoker(credential, emulator.CreateClientOptions());
/// </code>
/// </example>
public sealed class DefenderEmulator : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TokenIssuer _issuer;
    private readonly HttpClient _msalClient;
    private readonly ITimer? _changes;

    private DefenderEmulator(WebApplication app, EmulatorState state, X509Certificate2 certificate, TokenIssuer issuer)
    {
        _app = app;
        _issuer = issuer;
        Options = state.Options;
        Faults = state.Faults;
        Statistics = state.Statistics;
        Activity = new EmulatorActivity(state.Data, state.Options);
        if (state.Options.ChangeInterval is { } interval)
        {
            _changes = state.Options.TimeProvider.CreateTimer(_ => Activity.Tick(), null, interval, interval);
        }
        Certificate = certificate;
        BaseAddress = state.BaseAddress;
        _msalClient = new HttpClient(CreateHttpMessageHandler(), disposeHandler: true);
        MsalHttpClientFactory = new PinnedMsalHttpClientFactory(_msalClient);
    }

    /// <summary>The address of both the token service and the APIs, e.g. <c>https://127.0.0.1:51234/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The emulator's own self-signed TLS certificate (public part is what clients pin).</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>What the emulator serves.</summary>
    public EmulatorOptions Options { get; }

    /// <summary>Switchable throttling, errors and latency.</summary>
    public EmulatorFaults Faults { get; }

    /// <summary>Changes the tenants' incidents and alerts over time, on demand (and on a schedule with <see cref="EmulatorOptions.ChangeInterval"/>).</summary>
    public EmulatorActivity Activity { get; }

    /// <summary>Counters of received token requests and API calls.</summary>
    public EmulatorStatistics Statistics { get; }

    /// <summary>An MSAL HTTP client factory that trusts this emulator's certificate (and nothing else).</summary>
    public IMsalHttpClientFactory MsalHttpClientFactory { get; }

    /// <summary>Starts an emulator on a loopback port.</summary>
    public static async Task<DefenderEmulator> StartAsync(EmulatorOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var certificate = LoopbackCertificate.Create(options.TimeProvider);
        var issuer = new TokenIssuer(options.TimeProvider);
        var state = new EmulatorState(options, issuer, new EmulatorFaults(() => issuer.LastSerial, options.TimeProvider), new EmulatorStatistics(), new DataStore(options));

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], EnvironmentName = "Production", ApplicationName = typeof(DefenderEmulator).Assembly.GetName().Name });
        builder.Logging.ClearProviders();
        if (options.EnableRequestLogging)
        {
            builder.Logging.AddSimpleConsole();
        }

        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, options.Port, listen => listen.UseHttps(certificate)));
        var app = builder.Build();
        MapEndpoints(app, state);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e) when (IsAddressInUse(e))
        {
            await app.DisposeAsync().ConfigureAwait(false);
            certificate.Dispose();
            issuer.Dispose();
            throw new EmulatorPortInUseException(options.Port, e);
        }

        var address = app.Services.GetRequiredServiceAddress();
        state.BaseAddress = address;
        return new DefenderEmulator(app, state, certificate, issuer);
    }

    /// <summary>A handler that trusts exactly this emulator's certificate; use it for any HTTP client that talks to the emulator.</summary>
    public HttpMessageHandler CreateHttpMessageHandler() => LoopbackCertificate.CreatePinnedHandler(Certificate);

    /// <summary>
    /// A handler that trusts exactly <paramref name="certificate"/>: for a client of an emulator running in another
    /// process, with the certificate it wrote at start (<c>--certificate-out</c>).
    /// </summary>
    public static HttpMessageHandler CreatePinnedHandler(X509Certificate2 certificate) => LoopbackCertificate.CreatePinnedHandler(certificate);

    /// <summary>
    /// An MSAL HTTP client factory that trusts exactly <paramref name="certificate"/>: for a credential that signs in at
    /// an emulator running in another process (<see cref="DefenderAppCredentialOptions.HttpClientFactory"/>).
    /// </summary>
    public static IMsalHttpClientFactory CreateMsalHttpClientFactory(X509Certificate2 certificate) =>
        new PinnedMsalHttpClientFactory(new HttpClient(CreatePinnedHandler(certificate), disposeHandler: true));

    /// <summary>Credential options that sign in at the emulator, for the given tenants (or <c>"*"</c>).</summary>
    public DefenderAppCredentialOptions CreateCredentialOptions(params string[] allowedTenants)
    {
        var options = new DefenderAppCredentialOptions { AuthorityHost = BaseAddress, HttpClientFactory = MsalHttpClientFactory };
        foreach (var tenant in allowedTenants)
        {
            options.AllowedTenants.Add(tenant);
        }

        return options;
    }

    /// <summary>Client options that send every API (Defender XDR, Defender for Endpoint, Graph) to the emulator over a pinned connection.</summary>
    public DefenderClientOptions CreateClientOptions()
    {
        var options = new DefenderClientOptions
        {
            AuthorityHost = BaseAddress,
            Transport = new HttpClientTransport(new HttpClient(CreateHttpMessageHandler(), disposeHandler: true)),
        };
        foreach (var resource in DefenderCatalog.Default.Resources)
        {
            options.Endpoints[resource.Id] = BaseAddress;
        }

        return options;
    }

    /// <summary>
    /// The <c>Defender</c> configuration section that points a hosted app (<c>AddDefenderClient</c>) at this emulator:
    /// <c>Defender:AuthorityHost</c> and <c>Defender:Endpoints:&lt;resource id&gt;</c> for every resource. Add the app's
    /// id, secret and allowed tenants beside it, and trust the certificate with
    /// <see cref="EmulatorServiceCollectionExtensions.TrustDefenderEmulator"/>.
    /// </summary>
    public IReadOnlyDictionary<string, string?> CreateConfiguration()
    {
        var configuration = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase) { ["Defender:AuthorityHost"] = BaseAddress.ToString() };
        foreach (var resource in DefenderCatalog.Default.Resources)
        {
            configuration[$"Defender:Endpoints:{resource.Id}"] = BaseAddress.ToString();
        }

        return configuration;
    }

    /// <summary>
    /// Reads the certificate an emulator in another process wrote at start (PEM, public part only: the file
    /// <c>--certificate-out</c> names, or <c>defender365-emulator-&lt;port&gt;.pem</c> in the temp folder).
    /// </summary>
    /// <remarks>
    /// <c>X509Certificate2.CreateFromPemFile</c> does not read it: that method wants a private key in the file too.
    /// </remarks>
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">The file holds no PEM certificate.</exception>
    public static X509Certificate2 LoadCertificate(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The emulator's certificate was not found at {path}: start the emulator first (it writes the file), or pass the path it printed.", path);
        }

        try
        {
            return X509Certificate2.CreateFromPem(File.ReadAllText(path));
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            throw new InvalidDataException($"{path} holds no PEM certificate ({e.Message}).", e);
        }
    }

    /// <summary>Stops the server and releases the certificate and keys.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_changes is not null)
        {
            await _changes.DisposeAsync().ConfigureAwait(false);
        }

        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _msalClient.Dispose();
        _issuer.Dispose();
        Certificate.Dispose();
    }

    private static bool IsAddressInUse(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is Microsoft.AspNetCore.Connections.AddressInUseException
                or System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.AddressAlreadyInUse })
            {
                return true;
            }
        }

        return false;
    }

    private static void MapEndpoints(WebApplication app, EmulatorState state)
    {
        var tokens = new TokenEndpoint(state);
        var api = new ApiEndpoint(state);

        // Every handler takes a parameter besides HttpContext: a lambda of HttpContext alone binds to the RequestDelegate
        // overload and the IResult it returns is silently discarded (empty 200s).
        app.MapPost("/{tenant}/oauth2/v2.0/token", async (HttpContext http, string tenant) =>
        {
            using var _ = state.Statistics.TrackTokenRequest();
            return await tokens.HandleAsync(http, tenant, v2: true).ConfigureAwait(false);
        });
        app.MapPost("/{tenant}/oauth2/token", async (HttpContext http, string tenant) =>
        {
            using var _ = state.Statistics.TrackTokenRequest();
            return await tokens.HandleAsync(http, tenant, v2: false).ConfigureAwait(false);
        });
        app.MapGet("/{tenant}/v2.0/.well-known/openid-configuration", (string tenant) => tokens.Metadata(tenant, v2: true));
        app.MapGet("/{tenant}/.well-known/openid-configuration", (string tenant) => tokens.Metadata(tenant, v2: false));
        app.MapGet("/{tenant}/discovery/v2.0/keys", (string tenant) => Results.Json(state.Issuer.Jwks()));
        app.MapGet("/{tenant}/discovery/keys", (string tenant) => Results.Json(state.Issuer.Jwks()));
        foreach (var prefix in new[] { "/api", "/v1.0", "/beta" })
        {
            app.Map(prefix + "/{**rest}", (HttpContext http, CancellationToken cancellationToken) => api.HandleAsync(http));
        }

        app.MapGet("/", () => Results.Json(new
        {
            service = "Defender365.Toolkit emulator",
            tenants = state.Options.Tenants.Select(t => new { t.TenantId, t.DisplayName, t.Domain }),
            apps = state.Options.Apps.Select(a => new { a.ClientId, a.DisplayName }),
        }));
    }

    private sealed class PinnedMsalHttpClientFactory(HttpClient client) : IMsalHttpClientFactory
    {
        public HttpClient GetHttpClient() => client;
    }
}

internal static class ServerAddressExtensions
{
    public static Uri GetRequiredServiceAddress(this IServiceProvider services)
    {
        var server = (IServer)services.GetService(typeof(IServer))!;
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("The emulator's server reported no address.");
        // Kestrel reports the bound address (https://127.0.0.1:port); normalise to a base URI with a trailing slash.
        return new Uri(address.TrimEnd('/') + "/");
    }
}

/// <summary>The emulator's port is taken by another program (often another emulator).</summary>
public sealed class EmulatorPortInUseException : IOException
{
    /// <summary>Creates the exception.</summary>
    public EmulatorPortInUseException(int port, Exception innerException)
        : base($"Port {port} on 127.0.0.1 is in use (another emulator?): stop what listens there, or use port 0 for a free one.", innerException)
    {
        Port = port;
    }

    /// <summary>The port asked for.</summary>
    public int Port { get; }
}
