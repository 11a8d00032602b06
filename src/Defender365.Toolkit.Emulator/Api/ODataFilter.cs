using System.Globalization;
using System.Text.Json.Nodes;

namespace Defender365.Toolkit.Emulator.Api;

/// <summary>
/// The subset of OData <c>$filter</c> the Defender APIs document: comparisons (<c>eq ne gt ge lt le</c>) of a field with a
/// string, number, boolean, null or unquoted date literal, joined by <c>and</c> (binding tighter) and <c>or</c>, grouped
/// with parentheses. Anything else is an <c>ODataError</c>, as the service answers.
/// </summary>
/// <remarks>
/// Read by a tokenizer and a recursive-descent parser, not by splitting on words: <c>'Sales and Marketing'</c> is one
/// string, and <c>(a or b) and c</c> is not <c>a or (b and c)</c>.
/// </remarks>
internal sealed class ODataFilter
{
    private readonly Node _root;

    private ODataFilter(Node root) => _root = root;

    public static bool TryParse(string? text, out ODataFilter? filter, out string error)
    {
        filter = null;
        error = string.Empty;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        try
        {
            var parser = new Parser(Tokenize(text));
            var root = parser.ParseOr();
            parser.ExpectEnd();
            filter = new ODataFilter(root);
            return true;
        }
        catch (FormatException e)
        {
            error = $"Syntax error in $filter: {e.Message} Supported: <field> eq|ne|gt|ge|lt|le <literal>, joined by and/or, grouped with parentheses.";
            return false;
        }
    }

    public bool Matches(JsonObject item) => _root.Matches(item);

    private static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c is '(' or ')')
            {
                tokens.Add(new Token(c == '(' ? TokenKind.Open : TokenKind.Close, c.ToString(), i++));
            }
            else if (c == '\'')
            {
                var start = i++;
                var value = new System.Text.StringBuilder();
                while (true)
                {
                    if (i >= text.Length)
                    {
                        throw new FormatException($"the string starting at position {start} has no closing quote.");
                    }

                    if (text[i] == '\'')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '\'')
                        {
                            value.Append('\'');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    value.Append(text[i++]);
                }

                tokens.Add(new Token(TokenKind.String, value.ToString(), start));
            }
            else
            {
                var start = i;
                while (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] is not '(' and not ')' and not '\'')
                {
                    i++;
                }

                tokens.Add(new Token(TokenKind.Word, text[start..i], start));
            }
        }

        return tokens;
    }

    private static object? ParseLiteral(Token token)
    {
        if (token.Kind == TokenKind.String)
        {
            return token.Text;
        }

        var literal = token.Text;
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

        // An unquoted word (an enum value written bare) compares as a string, as before.
        return literal;
    }

    private enum TokenKind
    {
        Word,
        String,
        Open,
        Close,
    }

    private readonly record struct Token(TokenKind Kind, string Text, int Position)
    {
        public bool IsWord(string word) => Kind == TokenKind.Word && string.Equals(Text, word, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>or := and ('or' and)*; and := primary ('and' primary)*; primary := '(' or ')' | field op literal.</summary>
    private sealed class Parser(List<Token> tokens)
    {
        private static readonly string[] Operators = ["eq", "ne", "gt", "ge", "lt", "le"];
        private int _next;

        public Node ParseOr() => ParseJoined("or", ParseAnd, static (left, right) => new Or(left, right));

        public void ExpectEnd()
        {
            if (Peek() is { } extra)
            {
                throw new FormatException($"unexpected '{extra.Text}' at position {extra.Position}.");
            }
        }

        private Node ParseAnd() => ParseJoined("and", ParsePrimary, static (left, right) => new And(left, right));

        // operand (word operand)*, left to right.
        private Node ParseJoined(string word, Func<Node> operand, Func<Node, Node, Node> join)
        {
            var left = operand();
            while (Peek() is { } token && token.IsWord(word))
            {
                _next++;
                left = join(left, operand());
            }

            return left;
        }

        private Node ParsePrimary()
        {
            var token = Take("a comparison or '('");
            if (token.Kind == TokenKind.Open)
            {
                var inner = ParseOr();
                if (Take("')'") is not { Kind: TokenKind.Close })
                {
                    throw new FormatException($"expected ')' to close the '(' at position {token.Position}.");
                }

                return inner;
            }

            if (token.Kind != TokenKind.Word || !IsField(token.Text))
            {
                throw new FormatException($"expected a field name at position {token.Position}, found '{token.Text}'.");
            }

            var op = Take("an operator");
            if (op.Kind != TokenKind.Word || !Operators.Contains(op.Text, StringComparer.OrdinalIgnoreCase))
            {
                throw new FormatException($"'{op.Text}' at position {op.Position} is not a supported operator (eq, ne, gt, ge, lt, le).");
            }

            var value = Take("a literal");
            if (value.Kind is TokenKind.Open or TokenKind.Close)
            {
                throw new FormatException($"expected a literal at position {value.Position}.");
            }

            return new Comparison(token.Text, op.Text.ToLowerInvariant(), ParseLiteral(value));
        }

        private static bool IsField(string text) =>
            text.Length > 0 && (char.IsAsciiLetter(text[0]) || text[0] == '_') && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '/');

        private Token? Peek() => _next < tokens.Count ? tokens[_next] : null;

        private Token Take(string expected) =>
            _next < tokens.Count ? tokens[_next++] : throw new FormatException($"the filter ends where {expected} was expected.");
    }

    private abstract record Node
    {
        public abstract bool Matches(JsonObject item);
    }

    private sealed record And(Node Left, Node Right) : Node
    {
        public override bool Matches(JsonObject item) => Left.Matches(item) && Right.Matches(item);
    }

    private sealed record Or(Node Left, Node Right) : Node
    {
        public override bool Matches(JsonObject item) => Left.Matches(item) || Right.Matches(item);
    }

    private sealed record Comparison(string Field, string Operator, object? Value) : Node
    {
        public override bool Matches(JsonObject item)
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
                double d when element.GetValueKind() == System.Text.Json.JsonValueKind.Number => double.Parse(element.ToJsonString(), CultureInfo.InvariantCulture).CompareTo(d),
                bool b when element.TryGetValue<bool>(out var flag) => flag == b ? 0 : int.MinValue,
                DateTimeOffset t when element.TryGetValue<string>(out var text)
                    && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) => time.CompareTo(t),
                _ => int.MinValue,
            };
        }
    }
}
