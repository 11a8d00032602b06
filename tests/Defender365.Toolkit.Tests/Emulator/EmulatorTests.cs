using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Defender365.Toolkit.Authorization;
using Defender365.Toolkit.Emulator;
using Defender365.Toolkit.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Defender365.Toolkit.Tests.Emulator;

/// <summary>The emulator itself, spoken to with a plain HttpClient: what the real services would answer.</summary>
public sealed class EmulatorTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>, IDisposable
{
    private readonly HttpClient _http = new(fixture.Emulator.CreateHttpMessageHandler()) { BaseAddress = fixture.Emulator.BaseAddress };

    public void Dispose() => _http.Dispose();

    private Task<string> TokenAsync(string tenant, string scope, bool v1 = false) => TokenAsync(_http, fixture.Secret, tenant, scope, v1);

    private static async Task<string> TokenAsync(HttpClient http, string secret, string tenant, string scope, bool v1 = false)
    {
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = EmulatorOptions.DemoClientId,
            ["client_secret"] = secret,
            [v1 ? "resource" : "scope"] = v1 ? scope : scope + "/.default",
        };
        using var response = await http.PostAsync(v1 ? $"{tenant}/oauth2/token" : $"{tenant}/oauth2/v2.0/token", new FormUrlEncodedContent(form));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("access_token").GetString()!;
    }

    private Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(string path, string? token) => GetAsync(_http, path, token);

    private static async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(HttpClient http, string path, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.Authorization = new("Bearer", token);
        }

        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    [Fact]
    public async Task A_call_without_a_bearer_token_is_401_in_the_service_error_shape_not_an_empty_200()
    {
        var (status, body) = await GetAsync("api/incidents", token: null);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("Unauthorized", body.GetProperty("error").GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("error").GetProperty("target").GetString()));
    }

    [Fact]
    public async Task A_token_for_another_api_is_rejected_on_audience()
    {
        var mdeToken = await TokenAsync(EmulatorOptions.ContosoTenantId, "https://api.securitycenter.microsoft.com");
        var (status, body) = await GetAsync("api/incidents", mdeToken);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("Audience", body.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tampered_token_is_rejected()
    {
        var token = await TokenAsync(EmulatorOptions.NorthwindTenantId, "https://api.security.microsoft.com");
        var parts = token.Split('.');
        var payload = Base64UrlEncoder.Decode(parts[1]).Replace("\"Incident.Read.All\"", "\"Incident.ReadWrite.All\"", StringComparison.Ordinal);
        var (status, _) = await GetAsync("api/incidents", $"{parts[0]}.{Base64UrlEncoder.Encode(payload)}.{parts[2]}");
        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task Graph_refuses_a_missing_role_with_403_and_names_the_roles()
    {
        var token = await TokenAsync(EmulatorOptions.FabrikamTenantId, "https://graph.microsoft.com");
        // Fabrikam's app holds SecurityIncident.Read.All and ThreatHunting.Read.All on Graph, not the alerts permission.
        var (status, body) = await GetAsync("v1.0/security/alerts_v2", token);
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("SecurityAlert.Read.All", body.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.True(body.GetProperty("error").TryGetProperty("innerError", out _));
    }

    [Fact]
    public async Task The_v1_endpoint_issues_tokens_with_the_claims_of_an_app_token()
    {
        var claims = AccessTokenClaims.Parse(await TokenAsync(EmulatorOptions.ContosoTenantId, "https://api.securitycenter.microsoft.com", v1: true));
        Assert.Equal(EmulatorOptions.ContosoTenantId, claims.TenantId);
        Assert.Equal(EmulatorOptions.DemoClientId, claims.AppId);
        Assert.Equal("app", claims.IdentityType);
        Assert.Equal("1.0", claims.Version);
        Assert.Contains("Machine.Isolate", claims.Roles);
        Assert.StartsWith(fixture.Emulator.BaseAddress.GetLeftPart(UriPartial.Authority) + "/" + EmulatorOptions.ContosoTenantId, claims.Issuer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tokens_verify_against_the_published_openid_metadata_and_keys()
    {
        var metadata = await _http.GetFromJsonAsync<JsonElement>($"{EmulatorOptions.ContosoTenantId}/v2.0/.well-known/openid-configuration");
        var jwksUri = metadata.GetProperty("jwks_uri").GetString()!;
        var keys = new JsonWebKeySet(await _http.GetStringAsync(jwksUri));
        var token = await TokenAsync(EmulatorOptions.ContosoTenantId, "https://api.security.microsoft.com");

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            IssuerSigningKeys = keys.GetSigningKeys(),
            ValidAudience = "https://api.security.microsoft.com",
            ValidIssuer = $"{fixture.Emulator.BaseAddress.GetLeftPart(UriPartial.Authority)}/{EmulatorOptions.ContosoTenantId}/",
        });
        Assert.True(result.IsValid, result.Exception?.Message);
    }

    [Fact]
    public async Task Client_credentials_need_a_tenant_and_a_default_scope()
    {
        var form = new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["client_id"] = EmulatorOptions.DemoClientId, ["client_secret"] = fixture.Secret, ["scope"] = "https://api.security.microsoft.com/Incident.Read.All" };
        using var organizations = await _http.PostAsync("organizations/oauth2/v2.0/token", new FormUrlEncodedContent(form));
        Assert.Contains("AADSTS50059", await organizations.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var scope = await _http.PostAsync($"{EmulatorOptions.ContosoTenantId}/oauth2/v2.0/token", new FormUrlEncodedContent(form));
        Assert.Contains("AADSTS1002012", await scope.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Top_above_the_documented_maximum_and_bad_filters_are_refused()
    {
        var token = await TokenAsync(EmulatorOptions.ContosoTenantId, "https://api.security.microsoft.com");
        var (tooMany, _) = await GetAsync("api/incidents?$top=101", token);
        Assert.Equal(HttpStatusCode.BadRequest, tooMany);
        var (badFilter, body) = await GetAsync("api/incidents?$filter=status%20like%20'x'", token);
        Assert.Equal(HttpStatusCode.BadRequest, badFilter);
        Assert.Equal("ODataError", body.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Filters_on_dates_compare_as_dates()
    {
        var token = await TokenAsync(EmulatorOptions.ContosoTenantId, "https://api.security.microsoft.com");
        var (_, all) = await GetAsync("api/incidents", token);
        var times = all.GetProperty("value").EnumerateArray().Select(i => DateTimeOffset.Parse(i.GetProperty("lastUpdateTime").GetString()!, System.Globalization.CultureInfo.InvariantCulture)).Order().ToArray();
        var pivot = times[times.Length / 2];
        var (_, recent) = await GetAsync($"api/incidents?$filter=lastUpdateTime ge {pivot.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}", token);
        Assert.Equal(times.Count(t => t >= pivot), recent.GetProperty("value").GetArrayLength());
    }

    [Fact]
    public async Task An_unknown_path_is_404()
    {
        var token = await TokenAsync(EmulatorOptions.ContosoTenantId, "https://api.security.microsoft.com");
        var (status, body) = await GetAsync("api/nothing-here", token);
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("No API operation matches", body.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_same_seed_gives_the_same_data()
    {
        var options = EmulatorOptions.CreateDemo("s");
        options.Seed = fixture.Emulator.Options.Seed;
        options.IncidentsPerTenant = fixture.Emulator.Options.IncidentsPerTenant;
        await using var other = await DefenderEmulator.StartAsync(options);
        using var otherHttp = new HttpClient(other.CreateHttpMessageHandler()) { BaseAddress = other.BaseAddress };
        var (_, theirs) = await GetAsync(otherHttp, "api/incidents?$top=5", await TokenAsync(otherHttp, "s", EmulatorOptions.FabrikamTenantId, "https://api.security.microsoft.com"));
        var (_, ours) = await GetAsync("api/incidents?$top=5", await TokenAsync(EmulatorOptions.FabrikamTenantId, "https://api.security.microsoft.com"));

        var names = (JsonElement e) => e.GetProperty("value").EnumerateArray().Select(i => i.GetProperty("incidentName").GetString()).ToArray();
        Assert.Equal(names(ours), names(theirs));
    }
}
