using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Defender365.Toolkit.Emulator.Identity;

/// <summary>Signs app-only access tokens (RS256) with the claims Entra ID puts in them, and validates them for the API side.</summary>
internal sealed class TokenIssuer : IDisposable
{
    private readonly RSA _rsa = RSA.Create(2048);
    private readonly RsaSecurityKey _key;
    private readonly SigningCredentials _signing;
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly TimeProvider _time;

    public TokenIssuer(TimeProvider time)
    {
        _time = time;
        _key = new RsaSecurityKey(_rsa) { KeyId = Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant() };
        _signing = new SigningCredentials(_key, SecurityAlgorithms.RsaSha256);
    }

    private long _serial;

    public string KeyId => _key.KeyId;

    /// <summary>The serial number of the last token issued: tokens are numbered in issue order (inside their <c>uti</c>).</summary>
    public long LastSerial => Interlocked.Read(ref _serial);

    /// <summary>The serial number a token of this issuer carries in its <c>uti</c> (0 for a token it did not issue).</summary>
    public static long SerialOf(JsonWebToken token)
    {
        if (!token.TryGetPayloadValue<string>("uti", out var uti) || uti.Length < 11)
        {
            return 0;
        }

        Span<byte> bytes = stackalloc byte[18];
        return Convert.TryFromBase64String(uti.PadRight(24, '='), bytes, out var written) && written >= 8
            ? System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(bytes)
            : 0;
    }

    public string Issue(Uri host, string tenantId, string clientId, string audience, IEnumerable<string> roles, TimeSpan lifetime, bool certificateCredential)
    {
        var now = _time.GetUtcNow();
        var claims = new Dictionary<string, object>
        {
            ["aud"] = audience,
            ["iss"] = Issuer(host, tenantId),
            ["iat"] = now.ToUnixTimeSeconds(),
            ["nbf"] = now.ToUnixTimeSeconds(),
            ["exp"] = (now + lifetime).ToUnixTimeSeconds(),
            ["appid"] = clientId,
            ["appidacr"] = certificateCredential ? "2" : "1",
            ["idp"] = Issuer(host, tenantId),
            ["idtyp"] = "app",
            ["oid"] = ServicePrincipalId(tenantId, clientId),
            ["sub"] = ServicePrincipalId(tenantId, clientId),
            ["tid"] = tenantId,
            ["uti"] = UniqueTokenId(Interlocked.Increment(ref _serial)),
            ["ver"] = "1.0",
        };
        var roleList = roles.ToArray();
        if (roleList.Length > 0)
        {
            claims["roles"] = roleList;
        }

        return _handler.CreateToken(new SecurityTokenDescriptor { Claims = claims, SigningCredentials = _signing });
    }

    // Opaque to clients as Entra's is; here it also carries the issue order, so "tokens issued before now" can be revoked.
    private static string UniqueTokenId(long serial)
    {
        Span<byte> bytes = stackalloc byte[16];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(bytes, serial);
        RandomNumberGenerator.Fill(bytes[8..]);
        return Convert.ToBase64String(bytes).TrimEnd('=');
    }

    /// <summary>Validates signature and lifetime; audience and tenant are the caller's to check against the operation.</summary>
    public async Task<(bool Valid, JsonWebToken? Token, string? Error)> ValidateAsync(string token)
    {
        var result = await _handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            IssuerSigningKey = _key,
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidateLifetime = true,
            LifetimeValidator = (notBefore, expires, _, _) =>
                expires is { } e && e > _time.GetUtcNow().UtcDateTime && (notBefore is not { } n || n <= _time.GetUtcNow().UtcDateTime.AddMinutes(5)),
        }).ConfigureAwait(false);
        return result.IsValid
            ? (true, (JsonWebToken)result.SecurityToken, null)
            : (false, null, result.Exception?.GetType().Name ?? "InvalidToken");
    }

    public object Jwks()
    {
        var parameters = _rsa.ExportParameters(includePrivateParameters: false);
        return new
        {
            keys = new[]
            {
                new
                {
                    kty = "RSA",
                    use = "sig",
                    kid = _key.KeyId,
                    n = Base64UrlEncoder.Encode(parameters.Modulus),
                    e = Base64UrlEncoder.Encode(parameters.Exponent),
                },
            },
        };
    }

    public static string Issuer(Uri host, string tenantId) => $"{host.GetLeftPart(UriPartial.Authority)}/{tenantId}/";

    /// <summary>A stable object id for the app's service principal in a tenant.</summary>
    public static string ServicePrincipalId(string tenantId, string clientId)
    {
        var hash = SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(tenantId.ToLowerInvariant() + "|" + clientId.ToLowerInvariant()));
        return new Guid(hash.AsSpan(0, 16)).ToString();
    }

    public void Dispose() => _rsa.Dispose();
}
