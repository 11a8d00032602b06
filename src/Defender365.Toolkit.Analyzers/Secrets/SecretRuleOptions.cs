using System;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Defender365.Toolkit.Analyzers.Secrets;

/// <summary>
/// The <c>.editorconfig</c> options of the secret rules (DEF3001 in C#, DEF3002 in additional files), all optional:
/// <list type="bullet">
/// <item><c>DEF3001.secret_names</c>: comma-separated extra words that make a name secret (<c>pin, otp</c>).</item>
/// <item><c>DEF3001.excluded_names</c>: comma-separated names that never count as secret (<c>TestPassword</c>).</item>
/// <item><c>DEF3001.placeholders</c>: comma-separated extra values that are placeholders, not secrets.</item>
/// <item><c>DEF3001.minimum_length</c>: shortest value taken as a secret under a secret name (default 6).</item>
/// <item><c>DEF3001.known_formats</c>: <c>false</c> turns off finding secret formats in strings with any name (default true).</item>
/// </list>
/// Names compare without case, <c>_</c> and <c>-</c>.
/// </summary>
internal sealed class SecretRuleOptions
{
    public const string SecretNamesKey = "DEF3001.secret_names";
    public const string ExcludedNamesKey = "DEF3001.excluded_names";
    public const string PlaceholdersKey = "DEF3001.placeholders";
    public const string MinimumLengthKey = "DEF3001.minimum_length";
    public const string KnownFormatsKey = "DEF3001.known_formats";

    /// <summary>The options when no key is set.</summary>
    public static SecretRuleOptions Default { get; } = new(null, null, null, 6, knownFormats: true);

    private readonly string[]? _secretNames;
    private readonly string[]? _excludedNames;

    private SecretRuleOptions(string[]? secretNames, string[]? excludedNames, string[]? placeholders, int minimumLength, bool knownFormats)
    {
        _secretNames = secretNames;
        _excludedNames = excludedNames;
        Placeholders = placeholders;
        MinimumLength = minimumLength;
        KnownFormats = knownFormats;
    }

    public string[]? Placeholders { get; }

    public int MinimumLength { get; }

    public bool KnownFormats { get; }

    /// <summary>Reads the options; returns <see cref="Default"/> (no allocation) when none is set.</summary>
    public static SecretRuleOptions From(AnalyzerConfigOptions options)
    {
        var names = options.TryGetValue(SecretNamesKey, out var n) ? List(n, normalize: true) : null;
        var excluded = options.TryGetValue(ExcludedNamesKey, out var e) ? List(e, normalize: true) : null;
        var placeholders = options.TryGetValue(PlaceholdersKey, out var p) ? List(p, normalize: false) : null;
        var minimum = options.TryGetValue(MinimumLengthKey, out var m) && int.TryParse(m.Trim(), out var parsed) && parsed > 0 ? parsed : Default.MinimumLength;
        var formats = !options.TryGetValue(KnownFormatsKey, out var f) || !string.Equals(f.Trim(), "false", StringComparison.OrdinalIgnoreCase);
        return names is null && excluded is null && placeholders is null && minimum == Default.MinimumLength && formats
            ? Default
            : new SecretRuleOptions(names, excluded, placeholders, minimum, formats);
    }

    public bool IsExtraSecretName(string normalizedName)
    {
        if (_secretNames is null)
        {
            return false;
        }

        foreach (var word in _secretNames)
        {
            if (normalizedName.IndexOf(word, StringComparison.Ordinal) >= 0)
            {
                return true;
            }
        }

        return false;
    }

    public bool IsExcludedName(string normalizedName) => _excludedNames is not null && Array.IndexOf(_excludedNames, normalizedName) >= 0;

    private static string[]? List(string value, bool normalize)
    {
        var parts = value.Split([','], StringSplitOptions.RemoveEmptyEntries);
        var result = new string[parts.Length];
        var count = 0;
        foreach (var part in parts)
        {
            var item = part.Trim();
            if (item.Length > 0)
            {
                result[count++] = normalize ? SecretNames.Normalize(item) : item;
            }
        }

        Array.Resize(ref result, count);
        return count == 0 ? null : result;
    }
}
