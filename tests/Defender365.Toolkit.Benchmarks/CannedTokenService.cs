using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.Identity.Client;

namespace Defender365.Toolkit.Benchmarks;

/// <summary>
/// An in-memory token endpoint for filling caches with 100,000 tenants quickly: real MSAL, real HTTP parsing, but the
/// response is a pre-built (unsigned) JWT per tenant instead of a network round trip and an RSA signature. Only the
/// cache paths are measured, so where the token came from does not matter.
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
        private static readonly ConcurrentDictionary<string, string> Bodies = new();

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref owner._requests);
            var tenant = request.RequestUri!.Segments[1].TrimEnd('/');
            var body = Bodies.GetOrAdd(tenant, static t =>
            {
                var exp = DateTimeOffset.UtcNow.AddHours(2).ToUnixTimeSeconds();
                var payload = Base64Url($"{{\"aud\":\"https://api.security.microsoft.com\",\"tid\":\"{t}\",\"roles\":[\"Incident.Read.All\"],\"exp\":{exp}}}");
                return $"{{\"token_type\":\"Bearer\",\"expires_in\":7199,\"ext_expires_in\":7199,\"access_token\":\"{Base64Url("{\"alg\":\"none\"}")}.{payload}.c2ln\"}}";
            });
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
        }

        private static string Base64Url(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }
}
