using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using Azure.Core;
using Defender365.Toolkit.Authentication.SharedCache;
using Defender365.Toolkit.Authorization;
using Defender365.Toolkit.Catalog;
using Defender365.Toolkit.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Identity.Client;

namespace Defender365.Toolkit.Authentication;

/// <summary>
/// App-only tokens for one multi-tenant Entra ID app registration, for any number of customer tenants. The tenant is
/// chosen per request (<see cref="TokenRequestContext.TenantId"/>); only tenants on
/// <see cref="DefenderAppCredentialOptions.AllowedTenants"/> are served.
/// </summary>
/// <remarks>
/// <para>Built on MSAL (one confidential client per shard of tenants, instance discovery off, tenant set per request).</para>
/// <para>Valid tokens are served from an in-process cache without entering MSAL; concurrent first requests for one
/// tenant share one token request; a token is never served past its expiry minus
/// <see cref="DefenderAppCredentialOptions.RefreshMargin"/>, and a token whose <c>tid</c> is not the requested tenant is
/// discarded.</para>
/// <para>Thread-safe. Create one per app registration and keep it for the life of the process.</para>
/// </remarks>
[DebuggerDisplay("{ToString(),nq}")]
public sealed class DefenderAppCredential : TokenCredential, IRefreshableTokenCredential
{
    // The MSAL clients hold the credential material: hidden from debugger views like the secret itself.
    [DebuggerBrowsable(DebuggerBrowsableState.Never)]
    private readonly MsalAppClient _msal;
    private readonly TenantTokenCache _cache;
    private readonly DefenderSharedTokenCache? _shared;
    private readonly TimeSpan _refreshMargin;
    private readonly HashSet<string> _allowedTenants;
    private readonly bool _allowAnyTenant;
    private readonly string _kind;
    private readonly ILogger _logger;

    // Kept only to scrub it from error texts should any layer echo it; never shown.
    [DebuggerBrowsable(DebuggerBrowsableState.Never)]
    private readonly string? _secret;

    private DefenderAppCredential(string clientId, string kind, string? secret, DefenderAppCredentialOptions? options, Func<ConfidentialClientApplicationBuilder, ConfidentialClientApplicationBuilder> withCredential)
        : this(clientId, kind, secret, options ??= new DefenderAppCredentialOptions(), (authorityHost, o) => new MsalAppClient(clientId, authorityHost, o.ClientApplicationShards, o.HttpClientFactory, withCredential))
    {
    }

    /// <summary>Creates a credential over any <see cref="MsalAppClient"/>: tests pass one that plays the token service.</summary>
    internal DefenderAppCredential(string clientId, string kind, string? secret, DefenderAppCredentialOptions options, Func<Uri, DefenderAppCredentialOptions, MsalAppClient> msal)
    {
        if (string.IsNullOrWhiteSpace(clientId) || !Guid.TryParse(clientId, out _))
        {
            throw new ArgumentException("The client id is the app registration's 'Application (client) ID', a GUID.", nameof(clientId));
        }

        options.Validate();
        ClientId = clientId;
        Cloud = options.Cloud;
        _kind = kind;
        _secret = secret;
        AuthorityHost = options.AuthorityHost ?? DefenderCatalog.Default.GetResource(DefenderResourceIds.ThreatProtection).GetEndpoint(options.Cloud).AuthorityHost;
        _allowAnyTenant = options.AllowedTenants.Contains("*");
        _allowedTenants = new HashSet<string>(options.AllowedTenants.Where(t => t != "*"), StringComparer.OrdinalIgnoreCase);
        _logger = options.LoggerFactory?.CreateLogger(DefenderLog.AuthenticationCategory) ?? NullLogger.Instance;
        _cache = new TenantTokenCache(options.TimeProvider, options.RefreshMargin, options.MaxCachedTokens, _logger);
        _shared = options.SharedTokenCache;
        _refreshMargin = options.RefreshMargin;
        _msal = msal(AuthorityHost, options);
    }

    /// <summary>The app registration's client id.</summary>
    public string ClientId { get; }

    /// <summary>The cloud the credential signs in to.</summary>
    public DefenderCloud Cloud { get; }

    /// <summary>The sign-in host.</summary>
    public Uri AuthorityHost { get; }

    /// <summary>The bound of the token cache (<see cref="DefenderAppCredentialOptions.MaxCachedTokens"/>).</summary>
    internal int MaxCachedTokens => _cache.Capacity;

    /// <summary>Creates a credential that authenticates with a client secret.</summary>
    /// <param name="clientId">The app registration's client id.</param>
    /// <param name="clientSecret">The secret's value (not its id). Read it from configuration, never from code.</param>
    /// <param name="options">Cloud, allowed tenants and cache settings.</param>
    public static DefenderAppCredential FromClientSecret(string clientId, string clientSecret, DefenderAppCredentialOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(clientSecret);
        return new DefenderAppCredential(clientId, "client secret", clientSecret, options, b => b.WithClientSecret(clientSecret));
    }

    /// <summary>Creates a credential that authenticates with a certificate (with its private key) registered on the app.</summary>
    /// <param name="clientId">The app registration's client id.</param>
    /// <param name="certificate">The certificate, with private key.</param>
    /// <param name="options">Cloud, allowed tenants and cache settings.</param>
    public static DefenderAppCredential FromCertificate(string clientId, X509Certificate2 certificate, DefenderAppCredentialOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        if (!certificate.HasPrivateKey)
        {
            throw new ArgumentException("The certificate has no private key; the app signs its client assertion with it.", nameof(certificate));
        }

        return new DefenderAppCredential(clientId, "certificate", null, options, b => b.WithCertificate(certificate));
    }

    /// <summary>
    /// Creates a credential that authenticates with a certificate file: a PFX/PKCS#12 file (with its password, if it has
    /// one), or a PEM file holding the certificate and its private key.
    /// </summary>
    /// <param name="clientId">The app registration's client id.</param>
    /// <param name="path">The <c>.pfx</c>/<c>.p12</c> or <c>.pem</c> file.</param>
    /// <param name="password">The PFX file's password, if it has one (read it from configuration, never from code).</param>
    /// <param name="options">Cloud, allowed tenants and cache settings.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="System.Security.Cryptography.CryptographicException">The file is not a certificate, or the password is wrong.</exception>
    public static DefenderAppCredential FromCertificateFile(string clientId, string path, string? password = null, DefenderAppCredentialOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The certificate file '{path}' does not exist.", path);
        }

        X509Certificate2 certificate;
        try
        {
            certificate = path.EndsWith(".pem", StringComparison.OrdinalIgnoreCase)
                ? X509Certificate2.CreateFromPemFile(path)
                : new X509Certificate2(path, password);
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            // The message names the file and never the password.
            throw new System.Security.Cryptography.CryptographicException(
                $"The certificate file '{Path.GetFileName(path)}' could not be read ({e.Message.TrimEnd('.')}). A PFX with a password needs it; a PEM file needs the certificate and its private key.", e);
        }

        return FromCertificate(clientId, certificate, options);
    }

    /// <summary>
    /// Creates a credential that authenticates with a client assertion (a signed JWT), for example a federated credential
    /// from a managed identity. The callback runs for each token request, with the tenant and token endpoint.
    /// </summary>
    /// <param name="clientId">The app registration's client id.</param>
    /// <param name="assertion">Returns the assertion for the request.</param>
    /// <param name="options">Cloud, allowed tenants and cache settings.</param>
    public static DefenderAppCredential FromClientAssertion(string clientId, Func<AssertionRequestOptions, Task<string>> assertion, DefenderAppCredentialOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(assertion);
        return new DefenderAppCredential(clientId, "client assertion", null, options, b => b.WithClientAssertion(assertion));
    }

    /// <summary>Gets a token for <see cref="TokenRequestContext.TenantId"/> and the single <c>/.default</c> scope in <see cref="TokenRequestContext.Scopes"/>.</summary>
    /// <exception cref="ArgumentException">No tenant, or not exactly one scope.</exception>
    /// <exception cref="DefenderAuthenticationException">The token could not be acquired; the type and message say why.</exception>
    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        var key = KeyOf(requestContext);
        if (_cache.TryGet(key, out var token))
        {
            DefenderTelemetry.TokenHandedOut(key.TenantId, key.Scope, "cache");
            return new ValueTask<AccessToken>(token);
        }

        return new ValueTask<AccessToken>(AcquireAsync(key, cancellationToken));
    }

    /// <inheritdoc cref="GetTokenAsync(TokenRequestContext, CancellationToken)"/>
    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        var key = KeyOf(requestContext);
        if (_cache.TryGet(key, out var token))
        {
            DefenderTelemetry.TokenHandedOut(key.TenantId, key.Scope, "cache");
            return token;
        }

        return AcquireAsync(key, cancellationToken).GetAwaiter().GetResult();
    }

    /// <summary>Gets a token for a tenant and an API resource (one of <see cref="DefenderResourceIds"/>).</summary>
    public ValueTask<AccessToken> GetTokenAsync(string tenantId, string resourceId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        var scope = DefenderCatalog.Default.GetResource(resourceId).GetEndpoint(Cloud).DefaultScope;
        return GetTokenAsync(new TokenRequestContext([scope], tenantId: tenantId), cancellationToken);
    }

    /// <summary>
    /// Forgets the tenant's cached tokens so the next request gets a fresh one from the token service, for example
    /// after its administrator granted a new permission (a cached token keeps its old roles until it expires).
    /// </summary>
    public void Invalidate(string tenantId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        _cache.Invalidate(tenantId);
    }

    /// <inheritdoc/>
    /// <remarks>Used by the HTTP pipeline on a 401 or a missing role; see <see cref="TenantTokenCache.TryInvalidate"/>.</remarks>
    public bool TryInvalidate(string tenantId, string scope, string refusedToken, TimeSpan minimumInterval)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        ArgumentException.ThrowIfNullOrWhiteSpace(scope);
        ArgumentNullException.ThrowIfNull(refusedToken);
        return _cache.TryInvalidate(new TokenKey(tenantId, scope), refusedToken, minimumInterval);
    }

    /// <summary>The admin-consent link for this app in <paramref name="tenantId"/>.</summary>
    public Uri GetAdminConsentUrl(string tenantId, string resourceId = DefenderResourceIds.ThreatProtection) =>
        AdminConsentLinks.AdminConsentUrl(ClientId, tenantId, Cloud, resourceId, authorityHost: AuthorityHost);

    /// <summary>Whether the credential may request tokens for the tenant.</summary>
    public bool IsTenantAllowed(string tenantId) => _allowAnyTenant || _allowedTenants.Contains(tenantId);

    /// <inheritdoc/>
    public override string ToString() => $"{nameof(DefenderAppCredential)} {{ ClientId = {ClientId}, Credential = {_kind}, Cloud = {Cloud} }}";

    // Entra ID's names for "any tenant": an app-only token is always one customer tenant's, and a token from one of these
    // authorities would be the app's home tenant's (or refused), never the customer's.
    internal static bool IsMultiTenantAlias(string tenant) =>
        tenant.Equals("common", StringComparison.OrdinalIgnoreCase)
        || tenant.Equals("organizations", StringComparison.OrdinalIgnoreCase)
        || tenant.Equals("consumers", StringComparison.OrdinalIgnoreCase);

    internal static string AliasMessage(string tenant) =>
        $"'{tenant}' is not a tenant: an app-only token is for one customer tenant. Use its tenant id (GUID) or verified domain.";

    private static TokenKey KeyOf(in TokenRequestContext context)
    {
        var tenant = context.TenantId;
        var scopes = context.Scopes;
        if (string.IsNullOrEmpty(tenant))
        {
            throw new ArgumentException($"{nameof(DefenderAppCredential)} serves many tenants: set {nameof(TokenRequestContext)}.{nameof(TokenRequestContext.TenantId)}.", nameof(context));
        }

        if (IsMultiTenantAlias(tenant))
        {
            throw new ArgumentException(AliasMessage(tenant), nameof(context));
        }

        if (scopes is not { Length: 1 })
        {
            throw new ArgumentException("App-only tokens are for one resource: pass exactly one '<resource>/.default' scope.", nameof(context));
        }

        return new TokenKey(tenant, scopes[0]);
    }

    private async Task<AccessToken> AcquireAsync(TokenKey key, CancellationToken cancellationToken)
    {
        if (!IsTenantAllowed(key.TenantId))
        {
            throw new DefenderTenantNotAllowedException(key.TenantId, ClientId);
        }

        return await _cache.GetOrAcquireAsync(key, RequestTokenAsync, cancellationToken).ConfigureAwait(false);
    }

    // One token for the key when this process has none valid: from the shared cache when there is one (and the token
    // in hand was not refused), else from the token service, once for all instances when the shared cache has leases.
    private async Task<AccessToken> RequestTokenAsync(TokenKey key, TokenStaleness staleness)
    {
        var forceRefresh = staleness != TokenStaleness.None;
        if (_shared is null)
        {
            return await RequestTracedAsync(key, forceRefresh).ConfigureAwait(false);
        }

        var (token, shared) = await _shared.GetOrAcquireAsync(ClientId, key, readShared: staleness != TokenStaleness.Refused, _refreshMargin, () => RequestTracedAsync(key, forceRefresh)).ConfigureAwait(false);
        if (shared)
        {
            DefenderTelemetry.TokenHandedOut(key.TenantId, key.Scope, "shared");
        }

        return token;
    }

    // Traced, timed and logged here, where the token service is called; a token from a cache is only counted.
    private async Task<AccessToken> RequestTracedAsync(TokenKey key, bool forceRefresh)
    {
        using var activity = DefenderTelemetry.Source.StartActivity("Defender365 token", ActivityKind.Client);
        activity?.SetTag("tenant", key.TenantId);
        activity?.SetTag("scope", key.Scope);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var token = await RequestFromServiceAsync(key, forceRefresh).ConfigureAwait(false);
            var elapsed = Stopwatch.GetElapsedTime(started);
            DefenderTelemetry.TokenServiceDuration(key.TenantId, elapsed.TotalSeconds);
            DefenderTelemetry.TokenHandedOut(key.TenantId, key.Scope, "service");
            DefenderLog.TokenAcquired(_logger, key.TenantId, key.Scope, (long)elapsed.TotalMilliseconds, token.ExpiresOn);
            return token;
        }
        catch (DefenderAuthenticationException e)
        {
            activity?.SetStatus(ActivityStatusCode.Error, e.Failure.ToString());
            activity?.SetTag("error.type", e.Failure.ToString());
            DefenderTelemetry.TokenHandedOut(key.TenantId, key.Scope, "failure");
            DefenderLog.TokenFailed(_logger, key.TenantId, key.Scope, e.Failure, e.ErrorCodes.Count == 0 ? "none" : string.Join(",", e.ErrorCodes));
            throw;
        }
    }

    private async Task<AccessToken> RequestFromServiceAsync(TokenKey key, bool forceRefresh)
    {
        (string AccessToken, DateTimeOffset ExpiresOn) result;
        try
        {
            // Not the caller's token: the request is shared by every caller waiting for this tenant (single flight).
            result = await _msal.AcquireTokenForClientAsync(key.TenantId, key.Scope, forceRefresh, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is MsalException or HttpRequestException or OperationCanceledException)
        {
            throw AadstsErrorMapper.Map(exception, Facts(key.TenantId, key.Scope));
        }

        // A token service (or a client bug, see MSAL.NET #5743) must never get a token of tenant A used for tenant B.
        if (Guid.TryParse(key.TenantId, out var requested)
            && AccessTokenClaims.TryParse(result.AccessToken, out var claims)
            && Guid.TryParse(claims.TenantId, out var issued)
            && requested != issued)
        {
            throw new DefenderAuthenticationException(
                $"The token service returned a token for tenant '{claims.TenantId}' when tenant '{key.TenantId}' was requested; it was discarded.",
                DefenderAuthenticationFailure.WrongTenantInToken,
                key.TenantId,
                ClientId);
        }

        return new AccessToken(result.AccessToken, result.ExpiresOn);
    }

    // The consent link names the resource whose token was refused (a Graph-only app needs Graph's consent link).
    private TokenRequestFacts Facts(string tenantId, string scope) =>
        new(tenantId, ClientId, AuthorityHost, () => GetAdminConsentUrl(tenantId, ResourceOfScope(scope)), _secret);

    private string ResourceOfScope(string scope) =>
        DefenderCatalog.Default.Resources.FirstOrDefault(r => r.GetEndpoint(Cloud).DefaultScope == scope)?.Id ?? DefenderResourceIds.ThreatProtection;
}
