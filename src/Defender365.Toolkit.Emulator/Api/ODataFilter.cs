using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Defender365.Toolkit.Emulator.Api;

/// <summary>
/// The subset of OData <c>$filter</c> the Defender APIs document: comparisons (<c>eq ne gt ge lt le</c>) of a field with a
/// string, number, boolean, null or unquoted date literal, joined by <c>and</c>/<c>or</c>. Anything else is an
/// <c>ODataError</c>, as the service answers.
/// </summary>
internal sealed partial class ODataFilter
{
    private readonly List<List<Comparison>> _anyOfAll;

    private ODataFilter(List<List<Comparison>> anyOfAll) => _anyOfAll = anyOfAll;

    public static bool TryParse(string? text, out ODataFilter? filter, out string error)
    {
        filter = null;
        error = string.Empty;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        var groups = new List<List<Comparison>>();
        foreach (var orPart in OrSplit().Split(text.Trim()))
        {
            var all = new List<Comparison>();
            foreach (var andPart in AndSplit().Split(orPart.Trim()))
            {
                var match = ComparisonPattern().Match(andPart.Trim());
                if (!match.Success)
                {
                    error = $"Syntax error in $filter near '{andPart.Trim()}'. Supported: <field> eq|ne|gt|ge|lt|le <literal>, joined by and/or.";
                    return false;
                }

                all.Add(new Comparison(match.Groups["field"].Value, match.Groups["op"].Value.ToLowerInvariant(), ParseLiteral(match.Groups["value"].Value)));
            }

            groups.Add(all);
        }

        filter = new ODataFilter(groups);
        return true;
    }

    public bool Matches(JsonObject item) => _anyOfAll.Any(all => all.All(c => c.Matches(item)));

    private static object? ParseLiteral(string literal)
    {
        if (literal.StartsWith('\'') && literal.EndsWith('\'') && literal.Length >= 2)
        {
            return literal[1..^1].Replace("''", "'", StringComparison.Ordinal);
        }

        if (literal == "null")
        {
            return null;
        }

        if (literal is "true" or "false")
        {
            return literal == "true";
        }

        if (double.TryParse(literal, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        if (DateTimeOffset.TryParse(literal, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
        {
            return date;
        }

        return literal;
    }

    private sealed record Comparison(string Field, string Operator, object? Value)
    {
        public bool Matches(JsonObject item)
        {
            var node = item.FirstOrDefault(p => string.Equals(p.Key, Field, StringComparison.OrdinalIgnoreCase)).Value;
            var order = Compare(node, Value);
            return Operator switch
            {
                "eq" => order == 0,
                "ne" => order != 0,
                "gt" => order > 0,
                "ge" => order >= 0,
                "lt" => order is < 0 and not int.MinValue,
                "le" => order <= 0 && order != int.MinValue,
                _ => false,
            };
        }

        // int.MinValue marks "not comparable" (different types): only 'ne' holds then.
        private static int Compare(JsonNode? node, object? value)
        {
            if (node is null || value is null)
            {
                return node is null && value is null ? 0 : int.MinValue;
            }

            var element = node.AsValue();
            return value switch
            {
                string s when element.TryGetValue<string>(out var text) => string.Compare(text, s, StringComparison.OrdinalIgnoreCase),
                double d when element.TryGetValue<double>(out var number) => number.CompareTo(d),
                bool b when element.TryGetValue<bool>(out var flag) => flag == b ? 0 : int.MinValue,
                DateTimeOffset t when element.TryGetValue<string>(out var text)
                    && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) => time.CompareTo(t),
                _ => int.MinValue,
            };
        }
    }

    [GeneratedRegex(@"\s+or\s+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex OrSplit();

    [GeneratedRegex(@"\s+and\s+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AndSplit();

    [GeneratedRegex(@"^\(?\s*(?<field>[A-Za-z_][A-Za-z0-9_/]*)\s+(?<op>eq|ne|gt|ge|lt|le)\s+(?<value>'(?:[^']|'')*'|[^\s()]+)\s*\)?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ComparisonPattern();
}
