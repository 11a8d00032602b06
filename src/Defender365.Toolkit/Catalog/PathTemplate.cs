using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Defender365.Toolkit.Catalog;

/// <summary>
/// A catalog path such as <c>/api/machines/{id}/isolate</c> or <c>/api/machines/findbyip(ip='{ip}',timestamp={timestamp})</c>:
/// expands arguments into a request path and matches request paths back to their parameters.
/// </summary>
internal sealed class PathTemplate
{
    private readonly Segment[] _segments;
    private readonly Regex _matcher;

    private PathTemplate(Segment[] segments, Regex matcher)
    {
        _segments = segments;
        _matcher = matcher;
    }

    public IEnumerable<string> ParameterNames => _segments.Where(s => s.IsParameter).Select(s => s.Text);

    public static PathTemplate Parse(string template)
    {
        var segments = new List<Segment>();
        var pattern = new StringBuilder("^");
        var position = 0;
        while (position < template.Length)
        {
            var open = template.IndexOf('{', position);
            if (open < 0)
            {
                AddLiteral(template[position..]);
                break;
            }

            var close = template.IndexOf('}', open);
            if (close < 0)
            {
                throw new FormatException($"Path template '{template}' has an unclosed '{{' at {open}.");
            }

            AddLiteral(template[position..open]);
            var name = template[(open + 1)..close];
            // OData string literals are written '{x}': the value is quoted and its own quotes are doubled.
            var quoted = open > 0 && template[open - 1] == '\'' && close + 1 < template.Length && template[close + 1] == '\'';
            segments.Add(new Segment(name, IsParameter: true, IsQuoted: quoted));
            pattern.Append("(?<").Append(name).Append(quoted ? ">(?:[^']|'')*?)" : ">[^/(),']+?)");
            position = close + 1;
        }

        pattern.Append("/?$");
        var regex = new Regex(pattern.ToString(), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        return new PathTemplate([.. segments], regex);

        void AddLiteral(string literal)
        {
            if (literal.Length == 0)
            {
                return;
            }

            segments.Add(new Segment(literal, IsParameter: false, IsQuoted: false));
            pattern.Append(Regex.Escape(literal));
        }
    }

    /// <summary>Builds the request path; every placeholder must have a value.</summary>
    public string Expand(IReadOnlyDictionary<string, object?> values)
    {
        var builder = new StringBuilder();
        foreach (var segment in _segments)
        {
            if (!segment.IsParameter)
            {
                builder.Append(segment.Text);
                continue;
            }

            if (!values.TryGetValue(segment.Text, out var value) || value is null)
            {
                throw new ArgumentException($"The path parameter '{segment.Text}' has no value.", nameof(values));
            }

            var text = FormatValue(value);
            if (segment.IsQuoted)
            {
                text = text.Replace("'", "''", StringComparison.Ordinal);
            }

            builder.Append(Uri.EscapeDataString(text));
        }

        return builder.ToString();
    }

    /// <summary>Matches a request path (without query) and returns the unescaped parameter values.</summary>
    public bool TryMatch(string path, out Dictionary<string, string> values)
    {
        values = new Dictionary<string, string>(StringComparer.Ordinal);
        var match = _matcher.Match(path);
        if (!match.Success)
        {
            return false;
        }

        foreach (var segment in _segments)
        {
            if (segment.IsParameter)
            {
                var raw = Uri.UnescapeDataString(match.Groups[segment.Text].Value);
                values[segment.Text] = segment.IsQuoted ? raw.Replace("''", "'", StringComparison.Ordinal) : raw;
            }
        }

        return true;
    }

    /// <summary>Formats a value the way the Defender APIs expect in paths and OData literals.</summary>
    internal static string FormatValue(object value) => value switch
    {
        string s => s,
        DateTimeOffset d => d.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture),
        DateTime d => d.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    private readonly record struct Segment(string Text, bool IsParameter, bool IsQuoted);
}
