using System;

namespace Defender365.Toolkit.Analyzers.Secrets;

/// <summary>
/// Whether a name (field, property, local, parameter, dictionary or configuration key) says it holds a secret:
/// <c>clientSecret</c>, <c>Password</c>, <c>ApiKey</c>, <c>AccountKey</c>, <c>accessToken</c>, <c>Credentials</c>,
/// <c>Defender:ClientSecret</c>. Names about a secret rather than of one do not count: <c>SecretName</c>,
/// <c>TokenEndpoint</c>, <c>PasswordLength</c>, <c>tokenType</c>, <c>nextPageToken</c>.
/// </summary>
internal static class SecretNames
{
    // Compared against the name lower-cased with '_' and '-' removed.
    private static readonly string[] SecretWords =
    [
        "secret", "password", "passwd", "pwd", "passphrase", "apikey", "accesskey", "accountkey", "privatekey",
        "sharedkey", "signingkey", "secretkey", "masterkey", "credential", "token", "clientassertion",
        "authorizationcode", "authcode", "subscriptionkey", "functionkey", "functionskey", "encryptionkey",
        "hmackey", "jwtkey", "signkey", "symmetrickey", "securitykey",
    ];

    // A name ending in one of these describes or locates a secret: its name, id, where it lives, its shape.
    private static readonly string[] DescriptiveSuffixes =
    [
        "name", "names", "id", "ids", "uri", "url", "endpoint", "path", "file", "filename", "type", "kind", "header",
        "parameter", "param", "field", "label", "prefix", "suffix", "length", "size", "expiry", "expiration", "expires",
        "expireson", "expiresat", "lifetime", "count", "policy", "hint", "setting", "settings", "section", "variable",
        "envvar", "format", "template", "templates", "pattern", "regex", "message", "description", "prompt", "title", "placeholder", "provider",
        "source", "store", "vault", "scope", "scopes", "audience", "issuer", "cache", "handler", "validator", "version",
        "location", "mode", "options", "manager", "service", "client", "request", "response", "result", "reference",
        "ref", "key", "keys", "configkey", "property", "claim", "error", "exception", "attribute", "column", "table",
        "tag", "enabled", "required", "box", "textbox", "input", "validation", "hash", "salt", "mask", "char", "chars",
    ];

    // Tokens that are cursors or protocol values, not credentials.
    private static readonly string[] HarmlessTokens =
    [
        "cancellationtoken", "pagetoken", "nextpagetoken", "continuationtoken", "skiptoken", "deltatoken", "synctoken",
        "resumetoken", "csrftoken", "antiforgerytoken", "requestverificationtoken", "tokenizer", "tokens",
        "publickeytoken", "publickey",
    ];

    // Secret words whose name also ends with "key": "apikey" must not be taken as the descriptive suffix "key".
    private static readonly string[] KeyWords = ["apikey", "accesskey", "accountkey", "privatekey", "sharedkey", "signingkey", "secretkey", "masterkey", "subscriptionkey", "functionkey", "functionskey", "encryptionkey", "hmackey", "jwtkey", "signkey", "symmetrickey", "securitykey"];

    // Words of names that hold a digest, not a key: a SHA-512 in base64 has the storage account key's shape.
    private static readonly string[] DigestWords = ["hash", "integrity", "checksum", "digest", "sha", "thumbprint", "fingerprint", "etag"];

    /// <summary>True when <paramref name="name"/> names a secret (see the type remarks); configuration keys use their last segment.</summary>
    public static bool IsSecretName(string name, SecretRuleOptions options)
    {
        var normalized = Normalize(LastSegment(name));
        if (normalized.Length < 3 || options.IsExcludedName(normalized))
        {
            return false;
        }

        // "pass" alone is a password parameter (Login(user, pass)); as part of a word it is not ("bypass", "passenger").
        if (options.IsExtraSecretName(normalized) || normalized == "pass")
        {
            return true;
        }

        var word = FirstSecretWord(normalized);
        if (word < 0)
        {
            return false;
        }

        foreach (var harmless in HarmlessTokens)
        {
            if (normalized.EndsWith(harmless, StringComparison.Ordinal))
            {
                return false;
            }
        }

        foreach (var keyWord in KeyWords)
        {
            if (normalized.EndsWith(keyWord, StringComparison.Ordinal))
            {
                return true;
            }
        }

        // "secretName", "tokenEndpoint", "passwordLength": the secret word is followed by a descriptive suffix.
        foreach (var suffix in DescriptiveSuffixes)
        {
            if (normalized.Length > suffix.Length && normalized.EndsWith(suffix, StringComparison.Ordinal)
                && normalized.LastIndexOf(suffix, StringComparison.Ordinal) >= word)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// A name that is a key of unknown purpose (<c>Key</c>, <c>Jwt:Key</c>, <c>TokenKey</c>): in a settings file, a
    /// long generated value under it is a signing or API key; in code such names more often hold a lookup key.
    /// </summary>
    public static bool IsKeyName(string name)
    {
        var normalized = Normalize(LastSegment(name));
        return normalized.EndsWith("key", StringComparison.Ordinal) && normalized.IndexOf("keyname", StringComparison.Ordinal) < 0;
    }

    /// <summary>A name that holds a digest (<c>contentHash</c>, <c>integrity</c>, <c>Sha512</c>, <c>Thumbprint</c>), never a key.</summary>
    public static bool IsDigestName(string name)
    {
        var normalized = Normalize(LastSegment(name));
        foreach (var word in DigestWords)
        {
            if (normalized.IndexOf(word, StringComparison.Ordinal) >= 0)
            {
                return true;
            }
        }

        return false;
    }

    private static int FirstSecretWord(string normalized)
    {
        var first = -1;
        foreach (var word in SecretWords)
        {
            var at = normalized.IndexOf(word, StringComparison.Ordinal);
            if (at >= 0 && (first < 0 || at < first))
            {
                first = at;
            }
        }

        return first;
    }

    // "Defender:ClientSecret" → "ClientSecret"; "Secrets.Defender.Password" → "Password"; "ConnectionStrings__Db" → "Db".
    private static string LastSegment(string name)
    {
        var cut = Math.Max(name.LastIndexOf(':'), name.LastIndexOf('.'));
        var doubleUnderscore = name.LastIndexOf("__", StringComparison.Ordinal);
        cut = Math.Max(cut, doubleUnderscore >= 0 ? doubleUnderscore + 1 : -1);
        return cut >= 0 && cut < name.Length - 1 ? name.Substring(cut + 1) : name;
    }

    internal static string Normalize(string name)
    {
        var buffer = new char[name.Length];
        var n = 0;
        foreach (var c in name)
        {
            if (c is '_' or '-' or '@' or ' ')
            {
                continue;
            }

            buffer[n++] = char.ToLowerInvariant(c);
        }

        return new string(buffer, 0, n);
    }
}
