using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis.Text;

namespace Defender365.Toolkit.Analyzers.Secrets;

/// <summary>A secret found in a settings file: what it is and the span of the value.</summary>
internal readonly record struct FileSecret(string What, TextSpan Span);

/// <summary>
/// Finds secrets in settings-like text, line by line, without parsing the whole format: JSON pairs
/// (<c>"ClientSecret": "…"</c>, also minified, with comments or trailing commas), <c>name=value</c> and
/// <c>name: value</c> lines (.env, .ini, YAML, properties), and XML <c>key="…" value="…"</c> pairs. A value is reported
/// when its name says secret and it is a plausible secret, or when it (or any text on the line) is in a known secret
/// format. Spans point at the value, so the IDE underlines exactly what to remove.
/// </summary>
internal static class SettingsFileScanner
{
    public static List<FileSecret> Scan(SourceText text, SecretRuleOptions options)
    {
        var found = new List<FileSecret>();
        foreach (var line in text.Lines)
        {
            var content = text.ToString(line.Span);
            if (content.Length < 6)
            {
                continue;
            }

            var before = found.Count;
            foreach (var (name, valueStart, valueLength) in Pairs(content))
            {
                var value = content.Substring(valueStart, valueLength);
                var span = new TextSpan(line.Start + valueStart, valueLength);
                if (options.KnownFormats && SecretFormats.Find(value) is { } match)
                {
                    // A SHA-512 in base64 (a lock file's contentHash, an integrity value) has a storage key's shape.
                    if (match.Kind != SecretFormats.StorageAccountKey || !SecretNames.IsDigestName(name))
                    {
                        found.Add(new FileSecret($"{match.Kind}, stored under '{name}'", span));
                    }
                }
                else if (SecretValues.IsPlausibleSecret(value, options)
                         && (SecretNames.IsSecretName(name, options) || IsGeneratedKey(name, value)))
                {
                    found.Add(new FileSecret($"stored under '{name}'", span));
                }
            }

            // A secret format anywhere else on the line (a URL with a SAS signature, a bare key in a list).
            if (found.Count == before && options.KnownFormats && SecretFormats.Find(content) is { } loose
                && (loose.Kind != SecretFormats.StorageAccountKey || !LooksLikeDigestLine(content)))
            {
                found.Add(new FileSecret(loose.Kind, new TextSpan(line.Start + loose.Start, loose.Length)));
            }
        }

        return found;
    }

    // "Jwt": { "Key": "…" }: a key-named setting holds a signing or API key when its value is long and looks generated.
    private static bool IsGeneratedKey(string name, string value) =>
        value.Length >= 20 && SecretNames.IsKeyName(name) && !SecretNames.IsDigestName(name) && SecretShape.LooksGenerated(value);

    private static bool LooksLikeDigestLine(string line)
    {
        foreach (var (name, _, _) in Pairs(line))
        {
            if (SecretNames.IsDigestName(name))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The (name, value start, value length) pairs on one line.</summary>
    private static IEnumerable<(string Name, int Start, int Length)> Pairs(string line)
    {
        var any = false;

        // JSON: "name" : "value", as many as the line holds.
        for (var i = line.IndexOf('"'); i >= 0 && i < line.Length; )
        {
            var nameEnd = EndOfString(line, i);
            if (nameEnd < 0)
            {
                break;
            }

            var next = SkipSpaces(line, nameEnd + 1);
            if (next < line.Length && line[next] == ':')
            {
                var valueQuote = SkipSpaces(line, next + 1);
                if (valueQuote < line.Length && line[valueQuote] == '"')
                {
                    var valueEnd = EndOfString(line, valueQuote);
                    if (valueEnd < 0)
                    {
                        break;
                    }

                    any = true;
                    yield return (line.Substring(i + 1, nameEnd - i - 1), valueQuote + 1, valueEnd - valueQuote - 1);
                    i = line.IndexOf('"', valueEnd + 1);
                    continue;
                }
            }

            i = line.IndexOf('"', nameEnd + 1);
        }

        if (any)
        {
            yield break;
        }

        // XML: <add key="ClientSecret" value="…" />
        var key = line.IndexOf("key=\"", StringComparison.OrdinalIgnoreCase);
        var val = line.IndexOf("value=\"", StringComparison.OrdinalIgnoreCase);
        if (key >= 0 && val >= 0)
        {
            var keyEnd = line.IndexOf('"', key + 5);
            var valEnd = line.IndexOf('"', val + 7);
            if (keyEnd > 0 && valEnd > 0)
            {
                yield return (line.Substring(key + 5, keyEnd - key - 5), val + 7, valEnd - val - 7);
            }

            yield break;
        }

        // name=value / name: value at the start of a line; comments and section headers have no pair.
        var start = SkipSpaces(line, 0);
        if (start >= line.Length || line[start] is '#' or ';' or '[' or '{' or '}' or '<' or '/' or '"' or '-')
        {
            yield break;
        }

        if (string.CompareOrdinal(line, start, "export ", 0, 7) == 0)
        {
            start = SkipSpaces(line, start + 7);
        }

        var separator = start;
        while (separator < line.Length && (SecretFormats.IsAsciiLetterOrDigit(line[separator]) || line[separator] is '_' or '.' or '-'))
        {
            separator++;
        }

        var nameEndAt = separator;
        separator = SkipSpaces(line, separator);
        if (nameEndAt == start || separator >= line.Length || line[separator] is not ('=' or ':'))
        {
            yield break;
        }

        var valueStart = SkipSpaces(line, separator + 1);
        var valueEndAt = line.Length;
        while (valueEndAt > valueStart && char.IsWhiteSpace(line[valueEndAt - 1]))
        {
            valueEndAt--;
        }

        if (valueEndAt - valueStart >= 2 && line[valueStart] is '"' or '\'' && line[valueEndAt - 1] == line[valueStart])
        {
            valueStart++;
            valueEndAt--;
        }

        if (valueEndAt > valueStart)
        {
            yield return (line.Substring(start, nameEndAt - start), valueStart, valueEndAt - valueStart);
        }
    }

    // Index of the closing quote of the string opening at `quote`, skipping escapes; -1 when the line ends first.
    private static int EndOfString(string line, int quote)
    {
        for (var i = quote + 1; i < line.Length; i++)
        {
            if (line[i] == '\\')
            {
                i++;
            }
            else if (line[i] == '"')
            {
                return i;
            }
        }

        return -1;
    }

    private static int SkipSpaces(string line, int index)
    {
        while (index < line.Length && (line[index] == ' ' || line[index] == '\t'))
        {
            index++;
        }

        return index;
    }
}
