using System;

namespace Defender365.Toolkit.Analyzers.Secrets;

/// <summary>
/// What is not a secret whatever name holds it, decided once for DEF3001, DEF3002, DEF3003 and DEF4001: the values protocol,
/// framework and app code keeps under names such as <c>TokenType</c> or <c>PasswordClaim</c>. Each shape is one a
/// generated secret never has:
/// <list type="bullet">
/// <item>names and keys: words joined by separators or case humps, separators anywhere, digits only as a version or
/// a protocol's name (<c>.some_token_principal</c>, <c>Defender:ClientSecret</c>, <c>xx+jwt</c>,
/// <c>token_not_supported_in_imds_v1</c>, <c>application/jwt</c>, <c>oauth2/v2.0/token</c>);</item>
/// <item>addresses: anything with <c>://</c>, URNs (<c>urn:ietf:rfc:2945</c>, also after a label: <c>URI:urn:…</c>),
/// scopes, rooted paths;</item>
/// <item>format templates: a <c>{0}</c> or <c>{name}</c> placeholder (<c>{0}oauth2/v2.0/token</c>);</item>
/// <item>dates and timestamps (<c>2026-01-31T10:00:00Z</c>);</item>
/// <item>error codes of the identity platforms: capitals then digits (<c>AADSTS7000215</c>, <c>IDX10214</c>), also with
/// a digit and a capital inside (<c>AADB2C90118</c>).</item>
/// </list>
/// </summary>
internal static class NonSecrets
{
    /// <summary>Whether <paramref name="value"/> (trimmed, no whitespace) has one of the shapes above.</summary>
    public static bool Matches(string value) =>
        value.Length > 0 && (IsAddress(value) || IsTemplate(value) || IsErrorCode(value) || IsTimestamp(value) || IsName(value));

    /// <summary>URIs of any scheme with an authority, URNs, scopes (<c>…/.default</c>), rooted and home-relative paths.</summary>
    public static bool IsAddress(string v) =>
        v.IndexOf("://", StringComparison.Ordinal) > 0
        || v.StartsWith("urn:", StringComparison.OrdinalIgnoreCase)
        || v.IndexOf(":urn:", StringComparison.OrdinalIgnoreCase) > 0
        || v.EndsWith("/.default", StringComparison.OrdinalIgnoreCase)
        || IsRootedPath(v)
        || v.StartsWith("~/", StringComparison.Ordinal);

    // "/connect/token", "/api/2024/reports": a path, not base64 that happens to start with "/" ("/k8Jd+3nL…=").
    private static bool IsRootedPath(string v) =>
        v[0] == '/' && v.IndexOf('=') < 0 && v.IndexOf('+') < 0 && !SecretShape.LooksGenerated(v);

    /// <summary>A date or a timestamp: <c>2026-01-31</c>, <c>2026-01-31T10:00:00Z</c>, whatever follows the date.</summary>
    public static bool IsTimestamp(string v) =>
        v.Length >= 10 && IsDigit(v[0]) && IsDigit(v[1]) && IsDigit(v[2]) && IsDigit(v[3]) && v[4] == '-'
        && IsDigit(v[5]) && IsDigit(v[6]) && v[7] == '-' && IsDigit(v[8]) && IsDigit(v[9]);

    /// <summary>A format template: holds a <c>{0}</c>, <c>{0:x}</c> or <c>{name}</c> placeholder.</summary>
    public static bool IsTemplate(string v)
    {
        for (var open = v.IndexOf('{'); open >= 0 && open < v.Length - 2; open = v.IndexOf('{', open + 1))
        {
            var end = open + 1;
            while (end < v.Length && (SecretFormats.IsAsciiLetterOrDigit(v[end]) || v[end] == '_'))
            {
                end++;
            }

            if (end > open + 1 && end < v.Length && (v[end] == '}' || v[end] == ':' || v[end] == ','))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// An error or rule code: 2–10 capitals, optionally one digit and one capital (<c>AADB2C</c>), then 3–8 digits and
    /// nothing else.
    /// </summary>
    public static bool IsErrorCode(string v)
    {
        var i = 0;
        while (i < v.Length && v[i] is >= 'A' and <= 'Z')
        {
            i++;
        }

        if (i is < 2 or > 10)
        {
            return false;
        }

        if (i + 2 < v.Length && IsDigit(v[i]) && v[i + 1] is >= 'A' and <= 'Z')
        {
            i += 2;
        }

        var digits = v.Length - i;
        if (digits is < 3 or > 8)
        {
            return false;
        }

        for (; i < v.Length; i++)
        {
            if (!IsDigit(v[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// An identifier, key or type name: words of letters joined by <c>: . _ - / + #</c> or case humps, separators
    /// anywhere. A word may carry digits only as a version (<c>v1</c>, <c>v2.0</c>) or as a protocol's own name
    /// (<c>oauth2</c>, <c>sha256</c>, <c>x509</c>); any other digits (<c>Passw0rd</c>, <c>summer2024</c>,
    /// <c>kv-pass-77</c>) make it a password, and so does a single lower-case word (<c>letmein</c>).
    /// </summary>
    public static bool IsName(string v)
    {
        int separators = 0, humps = 0, letters = 0, tokenStart = 0;
        var previousSeparator = '\0';
        var previousEndsInDigit = false;
        for (var i = 0; i <= v.Length; i++)
        {
            if (i < v.Length && !IsSeparator(v[i]))
            {
                continue;
            }

            if (i > tokenStart)
            {
                var token = Classify(v, tokenStart, i, ref letters, ref humps);
                // A lone number is a version's second part ("2.0", "v2.0"), nothing else.
                if (token == Token.Other || (token == Token.Number && !(previousSeparator == '.' && previousEndsInDigit)))
                {
                    return false;
                }

                previousEndsInDigit = token is Token.Versioned or Token.Number;
            }

            if (i < v.Length)
            {
                separators++;
                previousSeparator = v[i];
            }

            tokenStart = i + 1;
        }

        if (letters < 2)
        {
            return false;
        }

        // Case humps make a name; case changing every other letter makes random letters (kNtaUiGpIpatEJcv…).
        return (separators > 0 || humps > 0 || (v[0] is >= 'A' and <= 'Z' && v.Length <= 24 && LowerAfterFirst(v)))
            && !SecretShape.HasRandomLetterCase(v);
    }

    private enum Token
    {
        Word,
        Versioned,
        Number,
        Other,
    }

    // Words of protocols and formats that carry digits in their own name.
    private static readonly string[] DigitWords =
    [
        "oauth2", "saml2", "ipv4", "ipv6", "http2", "http3", "sha1", "sha256", "sha384", "sha512", "md5", "base64",
        "utf8", "utf16", "x509", "pkcs7", "pkcs8", "pkcs12", "b2c", "es256", "rs256", "ps256", "hs256", "aes256",
    ];

    /// <summary>
    /// Whether the word starting at <paramref name="start"/> is a protocol's digit-word (<c>oauth2</c>, <c>x509</c>,
    /// <c>b2c</c>) or a version (<c>v2</c>) that covers the digits ending at <paramref name="digitsEnd"/>.
    /// </summary>
    public static bool IsDigitWordAt(string v, int start, int digitsEnd)
    {
        if (v[start] is 'v' or 'V' && digitsEnd - start - 1 is >= 1 and <= 2 && IsDigit(v[start + 1]))
        {
            return true;
        }

        foreach (var known in DigitWords)
        {
            if (start + known.Length >= digitsEnd && string.Compare(v, start, known, 0, known.Length, StringComparison.OrdinalIgnoreCase) == 0)
            {
                return true;
            }
        }

        return false;
    }

    private static Token Classify(string v, int start, int end, ref int letters, ref int humps)
    {
        var i = start;
        while (i < end && IsLetter(v[i]))
        {
            if (v[i] is >= 'A' and <= 'Z' && i > start && v[i - 1] is >= 'a' and <= 'z')
            {
                humps++;
            }

            i++;
        }

        var wordLetters = i - start;
        var digitsStart = i;
        while (i < end && IsDigit(v[i]))
        {
            i++;
        }

        var digits = i - digitsStart;
        if (i < end)
        {
            // A letter after digits, or a character that is neither.
            return Token.Other;
        }

        letters += wordLetters;
        if (digits == 0)
        {
            return Token.Word;
        }

        if (wordLetters == 0)
        {
            return digits <= 2 ? Token.Number : Token.Other;
        }

        if (wordLetters == 1 && v[start] is 'v' or 'V' && digits <= 2)
        {
            return Token.Versioned;
        }

        var word = v.Substring(start, end - start);
        foreach (var known in DigitWords)
        {
            if (string.Equals(word, known, StringComparison.OrdinalIgnoreCase))
            {
                return Token.Versioned;
            }
        }

        return Token.Other;
    }

    private static bool IsSeparator(char c) => c is ':' or '.' or '_' or '-' or '/' or '+' or '#';

    private static bool IsLetter(char c) => c is >= 'a' and <= 'z' or >= 'A' and <= 'Z';

    private static bool IsDigit(char c) => c is >= '0' and <= '9';

    private static bool LowerAfterFirst(string s)
    {
        for (var i = 1; i < s.Length; i++)
        {
            if (s[i] is not (>= 'a' and <= 'z'))
            {
                return false;
            }
        }

        return true;
    }
}
