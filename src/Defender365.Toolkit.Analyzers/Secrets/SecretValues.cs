using System;

namespace Defender365.Toolkit.Analyzers.Secrets;

/// <summary>
/// Whether a string stored under a secret-sounding name is plausibly a real secret. Everything documentation and
/// templates put there instead is not: placeholders (<c>""</c>, <c>"&lt;your-secret&gt;"</c>, <c>"YOUR_CLIENT_SECRET"</c>,
/// <c>"changeme"</c>, <c>"xxx"</c>), GUIDs (ids, or a secret's id pasted by mistake), and every shape of
/// <see cref="NonSecrets"/> (names and keys, addresses, templates, error codes).
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
            && !NonSecrets.Matches(trimmed)
            && !IsGuid(trimmed)
            && !IsPlaceholder(trimmed)
            && !IsPublishedDevelopmentKey(trimmed)
            && !IsListed(trimmed, options.Placeholders);
    }

    // A GUID as ids are written (with hyphens, maybe braces). Thirty-two hex digits without them are not taken for one:
    // that is how API Management subscription keys and other service keys look.
    private static bool IsGuid(string v) =>
        Guid.TryParseExact(v, "D", out _) || Guid.TryParseExact(v, "B", out _) || Guid.TryParseExact(v, "P", out _);

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
