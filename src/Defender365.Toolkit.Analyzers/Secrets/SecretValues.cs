using System;

namespace Defender365.Toolkit.Analyzers.Secrets;

/// <summary>
/// Whether a string stored under a secret-sounding name is plausibly a real secret. Everything documentation and
/// templates put there instead is not: placeholders (<c>""</c>, <c>"&lt;your-secret&gt;"</c>, <c>"YOUR_CLIENT_SECRET"</c>,
/// <c>"changeme"</c>, <c>"xxx"</c>), names of secrets and configuration keys (<c>"DefenderClientSecret"</c>,
/// <c>"Defender:ClientSecret"</c>, <c>"client_secret"</c>), GUIDs (ids, or a secret's id pasted by mistake), URIs and scopes.
/// </summary>
internal static class SecretValues
{
    // Case-insensitive fragments that mark a value as a stand-in.
    private static readonly string[] PlaceholderFragments =
    [
        "your", "changeme", "change_me", "change-me", "changeit", "placeholder", "example", "dummy", "redacted",
        "replace", "insert", "todo", "notset", "not-set", "fake", "sample", "xxx", "***", "...",
    ];

    // Whole values (compared without separators, case-insensitively) that stand for "a secret goes here".
    private static readonly string[] PlaceholderWords =
    [
        "secret", "password", "pass", "passwd", "pwd", "test", "testing", "none", "null", "nil", "empty", "default",
        "value", "token", "key", "apikey", "clientsecret", "mysecret", "mypassword", "foo", "bar", "foobar", "tbd",
        "na", "undefined", "unset",
    ];

    // Published development keys (Azurite/storage emulator): documented everywhere, grant nothing.
    private const string AzuriteAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /// <summary>A key that is published for local development (the Azurite account key): never a secret, by format or by name.</summary>
    public static bool IsPublishedDevelopmentKey(string value) => value == AzuriteAccountKey;

    /// <summary>A plausible secret under a secret-sounding name: long enough, not a stand-in, not an id, name or address.</summary>
    public static bool IsPlausibleSecret(string value, SecretRuleOptions options)
    {
        if (value.Length < options.MinimumLength)
        {
            return false;
        }

        var trimmed = char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[value.Length - 1]) ? value.Trim() : value;
        if (trimmed.Length < options.MinimumLength)
        {
            return false;
        }

        // Sentences are prompts and messages ("Enter the client secret"), not secrets. Checked first with the other
        // structural tests: they are the cheapest and rule out most strings in code.
        for (var i = 0; i < trimmed.Length; i++)
        {
            if (char.IsWhiteSpace(trimmed[i]))
            {
                return false;
            }
        }

        return (trimmed.Length >= 16 || CharacterClasses(trimmed) >= 2)
            && !LooksLikeName(trimmed)
            && !LooksLikeCode(trimmed)
            && !LooksLikeAddress(trimmed)
            && !Guid.TryParse(trimmed, out _)
            && !IsPlaceholder(trimmed)
            && !IsPublishedDevelopmentKey(trimmed)
            && !IsListed(trimmed, options.Placeholders);
    }

    // Lower, upper, digit, other. A short value of one class ("unused", "shared", "123456") is a word or a number
    // more often than a credential; a secret generator never produces one.
    private static int CharacterClasses(string v)
    {
        int lower = 0, upper = 0, digit = 0, other = 0;
        foreach (var c in v)
        {
            if (c is >= 'a' and <= 'z')
            {
                lower = 1;
            }
            else if (c is >= 'A' and <= 'Z')
            {
                upper = 1;
            }
            else if (c is >= '0' and <= '9')
            {
                digit = 1;
            }
            else
            {
                other = 1;
            }
        }

        return lower + upper + digit + other;
    }

    /// <summary>Empty, delimited (<c>&lt;…&gt;</c>, <c>{…}</c>, <c>${…}</c>, <c>$(…)</c>, <c>%…%</c>, <c>[…]</c>, <c>__…__</c>), a stand-in word, one repeated character, or an UPPER_SNAKE variable name.</summary>
    public static bool IsPlaceholder(string value)
    {
        var v = value.Trim();
        if (v.Length == 0)
        {
            return true;
        }

        if ((v[0] == '<' && v[v.Length - 1] == '>') || (v[0] == '{' && v[v.Length - 1] == '}') || (v[0] == '[' && v[v.Length - 1] == ']')
            || (v[0] == '%' && v[v.Length - 1] == '%') || v.StartsWith("${", StringComparison.Ordinal)
            || v.StartsWith("$(", StringComparison.Ordinal) || v.StartsWith("#{", StringComparison.Ordinal)
            || (v.StartsWith("__", StringComparison.Ordinal) && v.EndsWith("__", StringComparison.Ordinal))
            || v.StartsWith("@Microsoft.KeyVault(", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        foreach (var fragment in PlaceholderFragments)
        {
            if (v.IndexOf(fragment, StringComparison.OrdinalIgnoreCase) >= 0)
            {
                return true;
            }
        }

        var letters = WithoutSeparators(v);
        foreach (var word in PlaceholderWords)
        {
            if (string.Equals(letters, word, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return IsOneRepeatedCharacter(v) || IsUpperSnake(v);
    }

    private static bool IsListed(string value, string[]? values)
    {
        if (values is null)
        {
            return false;
        }

        foreach (var listed in values)
        {
            if (string.Equals(value, listed, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    // URIs, scopes ("api://…/.default", "https://…/.default"), host names and paths.
    private static bool LooksLikeAddress(string v) =>
        v.IndexOf("://", StringComparison.Ordinal) > 0
        || v.EndsWith("/.default", StringComparison.OrdinalIgnoreCase)
        || v[0] == '/'
        || v.StartsWith("~/", StringComparison.Ordinal);

    /// <summary>
    /// An identifier or configuration key: words of letters (no digits) joined by separators or case humps —
    /// <c>DefenderClientSecret</c>, <c>Defender:ClientSecret</c>, <c>client_secret</c>, <c>Secrets.Defender</c>. A secret
    /// has digits, symbols or no word structure; a single lower-case word (<c>letmein</c>) still counts as a password.
    /// </summary>
    private static bool LooksLikeName(string v)
    {
        var separators = 0;
        var humps = 0;
        for (var i = 0; i < v.Length; i++)
        {
            var c = v[i];
            if (c is ':' or '.' or '_' or '-' or '/')
            {
                if (i == 0 || i == v.Length - 1)
                {
                    return false;
                }

                separators++;
            }
            else if (c is >= 'A' and <= 'Z')
            {
                if (i > 0 && v[i - 1] is >= 'a' and <= 'z')
                {
                    humps++;
                }
            }
            else if (c is not (>= 'a' and <= 'z'))
            {
                return false;
            }
        }

        return separators > 0 || humps > 0 || (v[0] is >= 'A' and <= 'Z' && v.Length <= 24 && LowerAfterFirst(v));

        static bool LowerAfterFirst(string s)
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

    /// <summary>
    /// A rule or error code: 2–10 capitals, then 3–8 digits and nothing else — <c>DEF3001</c>, <c>CA2000</c>,
    /// <c>AADSTS7000215</c> under names like <c>InvalidClientSecret</c>. Generated secrets mix their characters.
    /// </summary>
    private static bool LooksLikeCode(string v)
    {
        var letters = 0;
        while (letters < v.Length && v[letters] is >= 'A' and <= 'Z')
        {
            letters++;
        }

        var digits = v.Length - letters;
        if (letters is < 2 or > 10 || digits is < 3 or > 8)
        {
            return false;
        }

        for (var i = letters; i < v.Length; i++)
        {
            if (v[i] is not (>= '0' and <= '9'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsOneRepeatedCharacter(string v)
    {
        for (var i = 1; i < v.Length; i++)
        {
            if (v[i] != v[0])
            {
                return false;
            }
        }

        return true;
    }

    // YOUR_CLIENT_SECRET, CLIENT_SECRET, DEFENDER365_CLIENT_SECRET: environment variable names.
    private static bool IsUpperSnake(string v)
    {
        var underscore = false;
        foreach (var c in v)
        {
            if (c == '_')
            {
                underscore = true;
            }
            else if (c is not ((>= 'A' and <= 'Z') or (>= '0' and <= '9')))
            {
                return false;
            }
        }

        return underscore;
    }

    // "client-secret" and "Client_Secret" compare equal to the word "clientsecret"; digits stay ("password123" is a password).
    private static string WithoutSeparators(string v)
    {
        var buffer = new char[v.Length];
        var n = 0;
        foreach (var c in v)
        {
            if (SecretFormats.IsAsciiLetterOrDigit(c))
            {
                buffer[n++] = c;
            }
        }

        return new string(buffer, 0, n);
    }
}
