using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace Defender365.Toolkit.Authorization;

/// <summary>
/// The claims of an Entra ID access token that matter to a Defender app, read locally without network or signature
/// validation (the token came from the token service over TLS; the API remains the authority on what it accepts).
/// </summary>
/// <remarks><see cref="ToString"/> shows the claims, never the token.</remarks>
public sealed class AccessTokenClaims
{
    private AccessTokenClaims(
        string? tenantId,
        string? audience,
        string? appId,
        string? issuer,
        string? objectId,
        string? identityType,
        string? version,
        IReadOnlyList<string> roles,
        IReadOnlyList<string> scopes,
        DateTimeOffset? expiresOn,
        DateTimeOffset? notBefore,
        DateTimeOffset? issuedAt)
    {
        TenantId = tenantId;
        Audience = audience;
        AppId = appId;
        Issuer = issuer;
        ObjectId = objectId;
        IdentityType = identityType;
        Version = version;
        Roles = roles;
        Scopes = scopes;
        ExpiresOn = expiresOn;
        NotBefore = notBefore;
        IssuedAt = issuedAt;
    }

    /// <summary>The <c>tid</c> claim: the tenant the token was issued in.</summary>
    public string? TenantId { get; }

    /// <summary>The <c>aud</c> claim: the resource the token is for.</summary>
    public string? Audience { get; }

    /// <summary>The client application: <c>appid</c> (v1 tokens) or <c>azp</c> (v2 tokens).</summary>
    public string? AppId { get; }

    /// <summary>The <c>iss</c> claim.</summary>
    public string? Issuer { get; }

    /// <summary>The <c>oid</c> claim: the service principal (app tokens) or user.</summary>
    public string? ObjectId { get; }

    /// <summary>The <c>idtyp</c> claim (<c>app</c> for app-only tokens), when present.</summary>
    public string? IdentityType { get; }

    /// <summary>The <c>ver</c> claim (<c>1.0</c> or <c>2.0</c>).</summary>
    public string? Version { get; }

    /// <summary>The <c>roles</c> claim: application permissions granted by admin consent.</summary>
    public IReadOnlyList<string> Roles { get; }

    /// <summary>The <c>scp</c> claim split on spaces: delegated permissions.</summary>
    public IReadOnlyList<string> Scopes { get; }

    /// <summary>The <c>exp</c> claim.</summary>
    public DateTimeOffset? ExpiresOn { get; }

    /// <summary>The <c>nbf</c> claim.</summary>
    public DateTimeOffset? NotBefore { get; }

    /// <summary>The <c>iat</c> claim.</summary>
    public DateTimeOffset? IssuedAt { get; }

    /// <summary>Whether the token is app-only (client credentials): it carries no <c>scp</c>.</summary>
    public bool IsAppOnly => Scopes.Count == 0;

    /// <summary>Reads the claims of a JWT access token.</summary>
    /// <exception cref="InvalidAccessTokenException">The value is not a JWT with a JSON payload; the message says what is wrong, never the token.</exception>
    public static AccessTokenClaims Parse(string accessToken)
    {
        ArgumentNullException.ThrowIfNull(accessToken);
        return TryParseCore(accessToken, out var claims, out var error) ? claims : throw new InvalidAccessTokenException(error);
    }

    /// <summary>Reads the claims of a JWT access token; returns <see langword="false"/> for an opaque or malformed token.</summary>
    public static bool TryParse(string? accessToken, out AccessTokenClaims claims)
    {
        claims = null!;
        return accessToken is not null && TryParseCore(accessToken, out claims, out _);
    }

    private static bool TryParseCore(string token, out AccessTokenClaims claims, out string error)
    {
        claims = null!;
        var firstDot = token.IndexOf('.', StringComparison.Ordinal);
        var secondDot = firstDot < 0 ? -1 : token.IndexOf('.', firstDot + 1);
        if (firstDot <= 0 || secondDot < 0 || token.IndexOf('.', secondDot + 1) >= 0)
        {
            var parts = token.Length == 0 ? 0 : token.Count(c => c == '.') + 1;
            error = $"The access token is not a JWT: expected three dot-separated parts (header.payload.signature), found {parts}.";
            return false;
        }

        var payload = token.AsSpan(firstDot + 1, secondDot - firstDot - 1);
        var rented = ArrayPool<byte>.Shared.Rent(Base64.GetMaxDecodedFromUtf8Length(payload.Length + 3));
        try
        {
            if (!TryDecodeBase64Url(payload, rented, out var length))
            {
                error = "The access token's payload is not base64url.";
                return false;
            }

            return TryReadPayload(rented.AsSpan(0, length), out claims, out error);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static bool TryDecodeBase64Url(ReadOnlySpan<char> text, byte[] destination, out int written)
    {
        written = 0;
        var padded = text.Length + ((4 - (text.Length % 4)) % 4);
        if (text.Length % 4 == 1)
        {
            return false;
        }

        var utf8 = ArrayPool<byte>.Shared.Rent(padded);
        try
        {
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                utf8[i] = c switch
                {
                    '-' => (byte)'+',
                    '_' => (byte)'/',
                    _ when c < 128 => (byte)c,
                    _ => (byte)'!',
                };
            }

            for (var i = text.Length; i < padded; i++)
            {
                utf8[i] = (byte)'=';
            }

            return Base64.DecodeFromUtf8(utf8.AsSpan(0, padded), destination, out _, out written) == OperationStatus.Done;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(utf8);
        }
    }

    private static bool TryReadPayload(ReadOnlySpan<byte> json, out AccessTokenClaims claims, out string error)
    {
        claims = null!;
        string? tid = null, aud = null, appid = null, azp = null, iss = null, oid = null, idtyp = null, ver = null;
        List<string> roles = [];
        string[] scopes = [];
        DateTimeOffset? exp = null, nbf = null, iat = null;
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                error = "The access token's payload is not a JSON object.";
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                reader.Read();
                switch (name)
                {
                    case "tid": tid = ReadString(ref reader); break;
                    case "aud": aud = ReadString(ref reader); break;
                    case "appid": appid = ReadString(ref reader); break;
                    case "azp": azp = ReadString(ref reader); break;
                    case "iss": iss = ReadString(ref reader); break;
                    case "oid": oid = ReadString(ref reader); break;
                    case "idtyp": idtyp = ReadString(ref reader); break;
                    case "ver": ver = ReadString(ref reader); break;
                    case "exp": exp = ReadTime(ref reader); break;
                    case "nbf": nbf = ReadTime(ref reader); break;
                    case "iat": iat = ReadTime(ref reader); break;
                    case "scp":
                        scopes = (ReadString(ref reader) ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries);
                        break;
                    case "roles" when reader.TokenType == JsonTokenType.StartArray:
                        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                        {
                            if (reader.TokenType == JsonTokenType.String)
                            {
                                roles.Add(reader.GetString()!);
                            }
                        }

                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }
        }
        catch (JsonException)
        {
            error = "The access token's payload is not valid JSON.";
            return false;
        }

        claims = new AccessTokenClaims(tid, aud, appid ?? azp, iss, oid, idtyp, ver, roles, scopes, exp, nbf, iat);
        error = string.Empty;
        return true;
    }

    private static string? ReadString(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return reader.GetString();
        }

        reader.Skip();
        return null;
    }

    private static DateTimeOffset? ReadTime(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var seconds))
        {
            return DateTimeOffset.FromUnixTimeSeconds(seconds);
        }

        reader.Skip();
        return null;
    }

    /// <inheritdoc/>
    public override string ToString()
    {
        var builder = new StringBuilder();
        builder.Append("tid=").Append(TenantId).Append(", aud=").Append(Audience).Append(", appid=").Append(AppId);
        builder.Append(", roles=[").AppendJoin(", ", Roles).Append(']');
        if (Scopes.Count > 0)
        {
            builder.Append(", scp=[").AppendJoin(' ', Scopes).Append(']');
        }

        if (ExpiresOn is { } e)
        {
            builder.Append(", exp=").Append(e.ToString("u", System.Globalization.CultureInfo.InvariantCulture));
        }

        return builder.ToString();
    }
}

/// <summary>An access token could not be read: it is not a JWT or its payload is not JSON. The message never contains the token.</summary>
public sealed class InvalidAccessTokenException : FormatException
{
    /// <summary>Creates the exception with a message that describes the defect.</summary>
    public InvalidAccessTokenException(string message)
        : base(message)
    {
    }
}
