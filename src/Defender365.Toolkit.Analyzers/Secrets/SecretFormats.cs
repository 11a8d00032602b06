using System;

namespace Defender365.Toolkit.Analyzers.Secrets;

/// <summary>A known secret format found in a string: what it is and where (offsets into the string).</summary>
internal readonly record struct SecretMatch(string Kind, int Start, int Length);

/// <summary>
/// Credential formats that are secrets wherever they stand. Plain character scans, no regular expressions: each
/// detector first looks for a short fixed marker (<c>Q~</c>, <c>eyJ</c>, <c>PRIVATE KEY</c>, <c>=</c>) and only then
/// reads further, so a string without markers costs one pass per marker.
/// </summary>
internal static class SecretFormats
{
    public const string EntraClientSecret = "an Entra ID client secret";
    public const string PrivateKey = "a PEM private key";
    public const string Jwt = "a signed JWT";
    public const string StorageAccountKey = "a storage account key";
    public const string SasSignature = "a SAS signature";
    public const string ConnectionStringSecret = "a connection string with a secret";
    public const string FormClientSecret = "a client_secret form field";
    public const string UriPassword = "a password in a URI";
    public const string BasicCredentials = "HTTP Basic credentials";

    // Keys whose value in a key=value list (connection string, form body, query) is a secret.
    private static readonly (string Key, string Kind)[] SecretKeys =
    [
        ("AccountKey", ConnectionStringSecret),
        ("SharedAccessKey", ConnectionStringSecret),
        ("Password", ConnectionStringSecret),
        ("Pwd", ConnectionStringSecret),
        ("client_secret", FormClientSecret),
    ];

    /// <summary>The configuration key a value of this kind is read from when nothing names it (<see cref="ConfigurationKeys"/>).</summary>
    public static string ConfigurationKeyOf(string kind) => kind switch
    {
        EntraClientSecret or FormClientSecret => ConfigurationKeys.ClientSecret,
        BasicCredentials => "BasicCredentials",
        PrivateKey => "PrivateKey",
        Jwt => "AccessToken",
        StorageAccountKey => "StorageAccountKey",
        SasSignature => "SasToken",
        _ => VendorTokenFormats.ConfigurationKeyOf(kind) ?? "ConnectionStrings:Default",
    };

    /// <summary>The first known secret format in <paramref name="value"/>, or null.</summary>
    public static SecretMatch? Find(string value)
    {
        // One pass for the marker characters every format needs: most strings in code have none of them, and the
        // detectors below then never run.
        bool tilde = false, equals = false, at = false, dash = false, e = false, space = false;
        foreach (var c in value)
        {
            switch (c)
            {
                case '~': tilde = true; break;
                case '=': equals = true; break;
                case '@': at = true; break;
                case '-': dash = true; break;
                case 'e': e = true; break;
                case ' ': space = true; break;
            }
        }

        if (value.Length < 16)
        {
            // The shortest format (a password in a connection string) needs "Password=" plus a value and a separator.
            return value.Length >= 8 && equals ? FindKeyValueSecret(value) : null;
        }

        return (tilde ? FindEntraClientSecret(value) : null)
            ?? VendorTokenFormats.Find(value)
            ?? (dash ? FindPrivateKey(value) : null)
            ?? (e ? FindJwt(value) : null)
            ?? (equals ? FindKeyValueSecret(value) : null)
            ?? (at ? FindUriPassword(value) : null)
            ?? (space ? FindBasicCredentials(value) : null)
            ?? (equals ? FindSasSignature(value) : null)
            ?? (equals && value.Length >= 88 ? FindStorageAccountKey(value) : null);
    }

    // Entra ID client secrets: three characters, a version digit (7 or 8), "Q~", then 31–34 more characters.
    private static SecretMatch? FindEntraClientSecret(string value)
    {
        for (var i = value.IndexOf("Q~", StringComparison.Ordinal); i >= 0; i = value.IndexOf("Q~", i + 2, StringComparison.Ordinal))
        {
            if (i < 4 || (value[i - 1] != '7' && value[i - 1] != '8'))
            {
                continue;
            }

            var start = i - 4;
            if (!IsSecretChar(value[start]) || !IsSecretChar(value[start + 1]) || !IsSecretChar(value[start + 2]))
            {
                continue;
            }

            var end = i + 2;
            while (end < value.Length && IsSecretChar(value[end]))
            {
                end++;
            }

            var tail = end - (i + 2);
            if (tail is >= 31 and <= 34 && (start == 0 || !IsSecretChar(value[start - 1])) && !LooksFilled(value, i + 2, tail))
            {
                return new SecretMatch(EntraClientSecret, start, end - start);
            }
        }

        return null;

        static bool IsSecretChar(char c) => IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or '~';
    }

    // -----BEGIN [RSA |EC |OPENSSH |ENCRYPTED ]PRIVATE KEY----- followed by a real base64 body.
    private static SecretMatch? FindPrivateKey(string value)
    {
        var marker = value.IndexOf("PRIVATE KEY-----", StringComparison.Ordinal);
        if (marker < 0)
        {
            return null;
        }

        var begin = value.LastIndexOf("-----BEGIN ", marker, StringComparison.Ordinal);
        if (begin < 0)
        {
            return null;
        }

        var body = 0;
        for (var i = marker + "PRIVATE KEY-----".Length; i < value.Length && value[i] != '-'; i++)
        {
            if (IsBase64Char(value[i]))
            {
                body++;
            }
        }

        var end = value.IndexOf("PRIVATE KEY-----", marker + 1, StringComparison.Ordinal);
        var length = (end < 0 ? value.Length : end + "PRIVATE KEY-----".Length) - begin;
        return body >= 64 ? new SecretMatch(PrivateKey, begin, length) : null;
    }

    // header.payload.signature, each base64url; header and payload are JSON objects ("eyJ" = base64 of "{\"").
    private static SecretMatch? FindJwt(string value)
    {
        for (var i = value.IndexOf("eyJ", StringComparison.Ordinal); i >= 0; i = value.IndexOf("eyJ", i + 3, StringComparison.Ordinal))
        {
            var header = RunOf(value, i);
            if (header < 10 || i + header >= value.Length || value[i + header] != '.')
            {
                continue;
            }

            var payloadStart = i + header + 1;
            if (string.CompareOrdinal(value, payloadStart, "eyJ", 0, 3) != 0)
            {
                continue;
            }

            var payload = RunOf(value, payloadStart);
            var signatureStart = payloadStart + payload + 1;
            if (payload < 10 || signatureStart > value.Length || value[signatureStart - 1] != '.')
            {
                continue;
            }

            // An unsigned token (alg none, empty signature) proves nothing to anyone; it is test data, not a secret.
            var signature = RunOf(value, signatureStart);
            if (signature >= 16)
            {
                return new SecretMatch(Jwt, i, signatureStart + signature - i);
            }
        }

        return null;

        static int RunOf(string s, int start)
        {
            var end = start;
            while (end < s.Length && (IsAsciiLetterOrDigit(s[end]) || s[end] is '-' or '_'))
            {
                end++;
            }

            return end - start;
        }
    }

    // Key=value pairs separated by ';' (connection strings) or '&' (form bodies, query strings).
    private static SecretMatch? FindKeyValueSecret(string value)
    {
        for (var equals = value.IndexOf('='); equals > 0; equals = value.IndexOf('=', equals + 1))
        {
            var keyEnd = equals;
            while (keyEnd > 0 && value[keyEnd - 1] == ' ')
            {
                keyEnd--;
            }

            var keyStart = keyEnd;
            while (keyStart > 0 && (IsAsciiLetterOrDigit(value[keyStart - 1]) || value[keyStart - 1] == '_'))
            {
                keyStart--;
            }

            if (keyStart > 0 && value[keyStart - 1] is not (';' or '&' or '?' or ',' or ' ' or '"' or '\''))
            {
                continue;
            }

            var kind = KindOfKey(value, keyStart, keyEnd - keyStart);
            if (kind is null)
            {
                continue;
            }

            var valueStart = equals + 1;
            while (valueStart < value.Length && value[valueStart] == ' ')
            {
                valueStart++;
            }

            var valueEnd = valueStart;
            var quote = valueStart < value.Length && value[valueStart] is '\'' or '"' ? value[valueStart] : '\0';
            if (quote != '\0')
            {
                valueStart++;
                valueEnd = value.IndexOf(quote, valueStart);
                valueEnd = valueEnd < 0 ? value.Length : valueEnd;
            }
            else
            {
                while (valueEnd < value.Length && value[valueEnd] is not (';' or '&' or ',' or '"' or '\'' or '\r' or '\n'))
                {
                    valueEnd++;
                }
            }

            var secret = value.Substring(valueStart, valueEnd - valueStart).Trim();
            if (secret.Length >= 4 && !SecretValues.IsPlaceholder(secret) && !SecretValues.IsPublishedDevelopmentKey(secret))
            {
                return new SecretMatch(kind, keyStart, valueEnd - keyStart);
            }
        }

        return null;

        static string? KindOfKey(string s, int start, int length)
        {
            foreach (var (key, kind) in SecretKeys)
            {
                if (key.Length == length && string.Compare(s, start, key, 0, length, StringComparison.OrdinalIgnoreCase) == 0)
                {
                    return kind;
                }
            }

            return null;
        }
    }

    // scheme://user:password@host (database, broker and proxy URIs).
    private static SecretMatch? FindUriPassword(string value)
    {
        var scheme = value.IndexOf("://", StringComparison.Ordinal);
        if (scheme <= 0)
        {
            return null;
        }

        var start = scheme + 3;
        var end = start;
        while (end < value.Length && value[end] is not ('/' or '@' or '?' or '#' or ' ' or '"'))
        {
            end++;
        }

        if (end >= value.Length || value[end] != '@')
        {
            return null;
        }

        var colon = value.IndexOf(':', start, end - start);
        if (colon < 0)
        {
            return null;
        }

        var password = value.Substring(colon + 1, end - colon - 1);
        return password.Length >= 4 && !SecretValues.IsPlaceholder(password) ? new SecretMatch(UriPassword, start, end - start) : null;
    }

    // "Basic <base64 of user:password>" in an Authorization header value.
    private static SecretMatch? FindBasicCredentials(string value)
    {
        var basic = value.IndexOf("Basic ", StringComparison.Ordinal);
        if (basic < 0)
        {
            return null;
        }

        var start = basic + 6;
        var end = start;
        while (end < value.Length && IsBase64Char(value[end]))
        {
            end++;
        }

        if (end - start < 8 || (end - start) % 4 != 0)
        {
            return null;
        }

        try
        {
            var decoded = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(value.Substring(start, end - start)));
            var colon = decoded.IndexOf(':');
            return colon > 0 && colon < decoded.Length - 4 && !SecretValues.IsPlaceholder(decoded.Substring(colon + 1))
                ? new SecretMatch(BasicCredentials, basic, end - basic)
                : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    // A SAS token's signature: "sig=" followed by URL-encoded base64 of an HMAC-SHA256 (43+ characters), beside "sv=" or "se=".
    private static SecretMatch? FindSasSignature(string value)
    {
        var sig = value.IndexOf("sig=", StringComparison.Ordinal);
        if (sig < 0 || (sig > 0 && value[sig - 1] is not ('?' or '&')))
        {
            return null;
        }

        if (value.IndexOf("sv=", StringComparison.Ordinal) < 0 && value.IndexOf("se=", StringComparison.Ordinal) < 0)
        {
            return null;
        }

        var end = sig + 4;
        while (end < value.Length && (IsBase64Char(value[end]) || value[end] == '%'))
        {
            end++;
        }

        return end - (sig + 4) >= 43 && !LooksFilled(value, sig + 4, end - sig - 4) ? new SecretMatch(SasSignature, sig, end - sig) : null;
    }

    // An 88-character base64 string ending in "==" (64 random bytes): the storage account key shape, as the whole value.
    private static SecretMatch? FindStorageAccountKey(string value)
    {
        var trimmed = value.Trim();
        if (trimmed.Length != 88 || !trimmed.EndsWith("==", StringComparison.Ordinal) || SecretValues.IsPublishedDevelopmentKey(trimmed))
        {
            return null;
        }

        for (var i = 0; i < 86; i++)
        {
            if (!IsBase64Char(trimmed[i]) || trimmed[i] == '=')
            {
                return null;
            }
        }

        return LooksFilled(trimmed, 0, 86) ? null : new SecretMatch(StorageAccountKey, value.IndexOf(trimmed, StringComparison.Ordinal), 88);
    }

    // "xxxx8Q~xxxxxxxx…", "AAAAAAAA…": a documentation sample shaped like a secret, filled with one repeated character.
    private static bool LooksFilled(string value, int start, int length)
    {
        var distinct = 0;
        Span<bool> seen = stackalloc bool[128];
        for (var i = start; i < start + length; i++)
        {
            var c = value[i];
            if (c < 128 && !seen[c])
            {
                seen[c] = true;
                if (++distinct > 6)
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static bool IsBase64Char(char c) => IsAsciiLetterOrDigit(c) || c is '+' or '/' or '=';

    internal static bool IsAsciiLetterOrDigit(char c) => (uint)((c | 0x20) - 'a') <= 'z' - 'a' || (uint)(c - '0') <= 9;
}
