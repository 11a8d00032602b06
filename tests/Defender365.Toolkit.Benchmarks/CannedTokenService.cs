using System.Net;
using System.Text;
using Microsoft.Identity.Client;

namespace Defender365.Toolkit.Benchmarks;

/// <summary>
/// An in-memory token endpoint for filling caches with 100,000 tenants quickly: real MSAL, real HTTP parsing, but the
/// response is a made-up JWT of a real one's length (about 1,500 characters) per tenant instead of a network round trip
/// and an RSA signature. Only the cache paths are measured, so where the token came from does not matter.
/// </summary>
internal sealed class CannedTokenService : IMsalHttpClientFactory
{
    private readonly HttpClient _client;
    private int _requests;

    public CannedTokenService() => _client = new HttpClient(new Handler(this));

    public int Requests => Volatile.Read(ref _requests);

    public HttpClient GetHttpClient() => _client;

    private sealed class Handler(CannedTokenService owner) : HttpMessageHandler
    {
        // A signature's worth of bytes: the length of an RS256 signature in Base64url, as Entra ID's tokens carry.
        private static readonly string Signature = new('s', 342);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref owner._requests);
            var tenant = request.RequestUri!.Segments[1].TrimEnd('/');

            // Built per request, not kept: a memory figure must count only what the caches hold. The claims are an
            // app-only token's, padded (an "aio" claim, as Entra ID adds) to about the 1,500 characters real ones have.
            var exp = DateTimeOffset.UtcNow.AddHours(2).ToUnixTimeSeconds();
            var payload = Base64Url($"{{\"aud\":\"https://api.security.microsoft.com\",\"iss\":\"https://sts.windows.net/{tenant}/\",\"tid\":\"{tenant}\",\"roles\":[\"Incident.Read.All\",\"AdvancedHunting.Read.All\",\"Alert.Read.All\"],\"exp\":{exp},\"aio\":\"{new string('k', 560)}\"}}");
            var token = $"{Base64Url("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"bench\"}")}.{payload}.{Signature}";
            var body = $"{{\"token_type\":\"Bearer\",\"expires_in\":7199,\"ext_expires_in\":7199,\"access_token\":\"{token}\"}}";
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
        }

        private static string Base64Url(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }
}
