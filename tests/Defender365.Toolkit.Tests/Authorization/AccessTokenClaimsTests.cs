using System.Text;
using Defender365.Toolkit.Authorization;

namespace Defender365.Toolkit.Tests.Authorization;

public sealed class AccessTokenClaimsTests
{
    internal static string Jwt(string payloadJson) =>
        $"{B64("{\"alg\":\"none\"}")}.{B64(payloadJson)}.sig";

    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [Fact]
    public void Reads_the_claims_of_an_app_token()
    {
        var claims = AccessTokenClaims.Parse(Jwt("""{"aud":"https://api.security.microsoft.com","tid":"t-1","appid":"a-1","roles":["Incident.Read.All","AdvancedHunting.Read.All"],"exp":1767225600,"idtyp":"app","ver":"1.0","ignored":{"x":[1,2]}}"""));
        Assert.Equal("t-1", claims.TenantId);
        Assert.Equal("https://api.security.microsoft.com", claims.Audience);
        Assert.Equal("a-1", claims.AppId);
        Assert.Equal(["Incident.Read.All", "AdvancedHunting.Read.All"], claims.Roles);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1767225600), claims.ExpiresOn);
        Assert.True(claims.IsAppOnly);
    }

    [Fact]
    public void Reads_delegated_scopes_and_v2_azp()
    {
        var claims = AccessTokenClaims.Parse(Jwt("""{"azp":"a-2","scp":"Incident.Read AdvancedHunting.Read","tid":"t"}"""));
        Assert.Equal("a-2", claims.AppId);
        Assert.Equal(["Incident.Read", "AdvancedHunting.Read"], claims.Scopes);
        Assert.False(claims.IsAppOnly);
    }

    [Theory]
    [InlineData("", "found 0")]
    [InlineData("abc", "found 1")]
    [InlineData("a.b.c.d", "found 4")]
    [InlineData("a.@@@.c", "not base64url")]
    public void Malformed_tokens_give_a_clear_error_without_the_token(string token, string expected)
    {
        var error = Assert.Throws<InvalidAccessTokenException>(() => AccessTokenClaims.Parse(token));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        if (token.Length > 3)
        {
            Assert.DoesNotContain(token, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Payload_that_is_not_json_is_reported()
    {
        var token = $"{Jwt("{}").Split('.')[0]}.{Convert.ToBase64String(Encoding.UTF8.GetBytes("not json")).TrimEnd('=')}.s";
        var error = Assert.Throws<InvalidAccessTokenException>(() => AccessTokenClaims.Parse(token));
        Assert.Contains("not valid JSON", error.Message, StringComparison.Ordinal);
        Assert.False(AccessTokenClaims.TryParse(token, out _));
    }

    [Fact]
    public void ToString_shows_claims_never_the_token()
    {
        var token = Jwt("""{"tid":"t-1","roles":["Machine.Isolate"]}""");
        var text = AccessTokenClaims.Parse(token).ToString();
        Assert.Contains("Machine.Isolate", text, StringComparison.Ordinal);
        Assert.DoesNotContain(token.Split('.')[1], text, StringComparison.Ordinal);
    }
}
