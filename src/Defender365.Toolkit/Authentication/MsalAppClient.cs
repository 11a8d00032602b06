using Microsoft.Identity.Client;

namespace Defender365.Toolkit.Authentication;

/// <summary>
/// Every MSAL call of a <see cref="DefenderAppCredential"/>, in one place: one confidential client per shard of tenants,
/// each built on its first token request, and the client-credentials request itself. The credential keeps the cache,
/// the allow-list, the checks and the error mapping; tests override <see cref="AcquireTokenForClientAsync"/> to play
/// the token service without a server.
/// </summary>
internal class MsalAppClient
{
    private readonly Lazy<IConfidentialClientApplication>[] _shards = [];

    /// <summary>For tests that play the token service.</summary>
    protected MsalAppClient()
    {
    }

    /// <param name="clientId">The app registration's client id.</param>
    /// <param name="authorityHost">The cloud's sign-in host.</param>
    /// <param name="shards">How many MSAL clients share the tenants (each keeps its own token cache).</param>
    /// <param name="httpClientFactory">MSAL's HTTP, when not its own.</param>
    /// <param name="withCredential">Adds the secret, certificate or assertion to a builder.</param>
    public MsalAppClient(string clientId, Uri authorityHost, int shards, IMsalHttpClientFactory? httpClientFactory, Func<ConfidentialClientApplicationBuilder, ConfidentialClientApplicationBuilder> withCredential)
    {
        var authority = new Uri(authorityHost, "organizations").AbsoluteUri;
        _shards = new Lazy<IConfidentialClientApplication>[shards];
        for (var i = 0; i < shards; i++)
        {
            _shards[i] = new Lazy<IConfidentialClientApplication>(() => Build(clientId, authority, httpClientFactory, withCredential));
        }
    }

    /// <summary>
    /// An app-only token for one tenant and one <c>/.default</c> scope, from MSAL's cache or the token service.
    /// </summary>
    /// <returns>The token and when it expires.</returns>
    /// <exception cref="MsalException">The token service refused (its AADSTS codes say why) or failed.</exception>
    /// <exception cref="HttpRequestException">The token service could not be reached.</exception>
    public virtual async Task<(string AccessToken, DateTimeOffset ExpiresOn)> AcquireTokenForClientAsync(string tenantId, string scope, bool forceRefresh, CancellationToken cancellationToken)
    {
        var shard = _shards[(int)((uint)StringComparer.OrdinalIgnoreCase.GetHashCode(tenantId) % (uint)_shards.Length)].Value;
        var result = await shard.AcquireTokenForClient([scope])
            .WithTenantId(tenantId)
            .WithForceRefresh(forceRefresh)
            .ExecuteAsync(cancellationToken)
            .ConfigureAwait(false);
        return (result.AccessToken, result.ExpiresOn);
    }

    private static IConfidentialClientApplication Build(string clientId, string authority, IMsalHttpClientFactory? httpClientFactory, Func<ConfidentialClientApplicationBuilder, ConfidentialClientApplicationBuilder> withCredential)
    {
        var builder = ConfidentialClientApplicationBuilder.Create(clientId)
            .WithAuthority(authority)
            // The host is known: no discovery call to login.microsoftonline.com (and no hang when it is unreachable).
            .WithInstanceDiscovery(false)
            // Regional endpoints are for first-party apps; this also neutralises the MSAL_FORCE_REGION variable.
            .WithAzureRegion("DisableMsalForceRegion")
            .WithLegacyCacheCompatibility(false);
        if (httpClientFactory is not null)
        {
            builder = builder.WithHttpClientFactory(httpClientFactory);
        }

        var app = withCredential(builder).Build();

        // The credential's own cache holds each token; MSAL's would hold a second copy (with its keys, about as much
        // again per tenant) that is never read, since a token past the credential's margin is refreshed anyway. Emptied
        // before each use, it holds at most the last token saved.
        app.AppTokenCache.SetBeforeAccess(static args => args.TokenCache.DeserializeMsalV3(null, shouldClearExistingCache: true));
        return app;
    }
}
