namespace Defender365.Toolkit.Shared;

/// <summary>
/// A catalog path such as <c>/api/machines/{id}/isolate</c> or
/// <c>/api/machines/findbyip(ip='{ip}',timestamp={timestamp})</c>: expands values into a request path and matches a
/// request path back to its values. The runtime uses it to build requests and (in the emulator) to route them, the
/// analyzers to map a hand-written URL to the operation it calls, so both read a path alike.
/// </summary>
/// <remarks>
/// Compiled into both the runtime and the analyzer assembly (which cannot reference the runtime); names are qualified
/// because only the runtime has implicit usings. Matching is a small backtracking walk rather than a regular expression
/// so it runs the same on netstandard2.0 and costs nothing to build for 129 templates.
/// </remarks>
internal sealed class PathTemplate
{
    private readonly Piece[] _pieces;

    private PathTemplate(string text, Piece[] pieces)
    {
        Text = text;
        _pieces = pieces;
        foreach (var piece in pieces)
        {
            if (piece.IsParameter)
            {
                ParameterCount++;
            }
        }
    }

    /// <summary>The template as the catalog writes it.</summary>
    public string Text { get; }

    /// <summary>How many placeholders the template has; fewer means more specific.</summary>
    public int ParameterCount { get; }

    /// <summary>The placeholder names, in order.</summary>
    public System.Collections.Generic.IEnumerable<string> ParameterNames
    {
        get
        {
            foreach (var piece in _pieces)
            {
                if (piece.IsParameter)
                {
                    yield return piece.Text;
                }
            }
        }
    }

    /// <summary>Reads a template; a placeholder is <c>{name}</c>, and <c>'{name}'</c> is an OData string literal.</summary>
    /// <exception cref="System.FormatException">A <c>{</c> is not closed or a placeholder has no name.</exception>
    public static PathTemplate Parse(string template)
    {
        var pieces = new System.Collections.Generic.List<Piece>();
        var position = 0;
        while (position < template.Length)
        {
            var open = template.IndexOf('{', position);
            if (open < 0)
            {
                pieces.Add(Piece.Literal(template.Substring(position)));
                break;
            }

            var close = template.IndexOf('}', open);
            if (close <= open + 1)
            {
                throw new System.FormatException($"Path template '{template}' has an unclosed or empty '{{' at {open}.");
            }

            if (open > position)
            {
                pieces.Add(Piece.Literal(template.Substring(position, open - position)));
            }

            var quoted = open > 0 && template[open - 1] == '\'' && close + 1 < template.Length && template[close + 1] == '\'';
            pieces.Add(Piece.Parameter(template.Substring(open + 1, close - open - 1), quoted));
            position = close + 1;
        }

        return new PathTemplate(template, pieces.ToArray());
    }

    /// <summary>
    /// Builds the request path from already formatted values: a quote inside a string literal is doubled (OData), then
    /// every value is escaped as URI data, so a value can never add a segment.
    /// </summary>
    /// <param name="valueOf">The formatted value of a placeholder, or <see langword="null"/> when it has none.</param>
    /// <exception cref="System.ArgumentException">A placeholder has no value.</exception>
    public string Expand(System.Func<string, string?> valueOf)
    {
        var builder = new System.Text.StringBuilder();
        foreach (var piece in _pieces)
        {
            if (!piece.IsParameter)
            {
                builder.Append(piece.Text);
                continue;
            }

            var text = valueOf(piece.Text)
                ?? throw new System.ArgumentException($"The path parameter '{piece.Text}' has no value.", nameof(valueOf));
            if (piece.IsQuoted)
            {
                text = text.Replace("'", "''");
            }

            builder.Append(System.Uri.EscapeDataString(text));
        }

        return builder.ToString();
    }

    /// <summary>
    /// Whether <paramref name="path"/> (no query string; a trailing <c>/</c> is allowed) is this template with some
    /// values. Literals compare ignoring case, as the services do. A value holds no <c>/</c>; outside a string literal
    /// it is at least one character and holds none of <c>( ) , '</c>, so it cannot swallow the template's own
    /// punctuation.
    /// </summary>
    /// <param name="path">The request path, as sent (values still escaped).</param>
    /// <param name="values">When not <see langword="null"/>, receives each placeholder's unescaped value.</param>
    public bool TryMatch(string path, System.Collections.Generic.IDictionary<string, string>? values = null)
    {
        var end = path.Length > 1 && path[path.Length - 1] == '/' ? path.Length - 1 : path.Length;
        var spans = new int[_pieces.Length * 2];
        if (!Match(path, end, 0, 0, spans))
        {
            return false;
        }

        if (values is not null)
        {
            for (var i = 0; i < _pieces.Length; i++)
            {
                if (_pieces[i].IsParameter)
                {
                    var raw = System.Uri.UnescapeDataString(path.Substring(spans[2 * i], spans[(2 * i) + 1]));
                    values[_pieces[i].Text] = _pieces[i].IsQuoted ? raw.Replace("''", "'") : raw;
                }
            }
        }

        return true;
    }

    private bool Match(string path, int end, int piece, int position, int[] spans)
    {
        if (piece == _pieces.Length)
        {
            return position == end;
        }

        var current = _pieces[piece];
        if (!current.IsParameter)
        {
            return end - position >= current.Text.Length
                && string.Compare(path, position, current.Text, 0, current.Text.Length, System.StringComparison.OrdinalIgnoreCase) == 0
                && Match(path, end, piece + 1, position + current.Text.Length, spans);
        }

        // Shortest value first, as a lazy pattern would take it: the literal after it decides where it ends. Only a
        // string literal may be empty ('') or hold a doubled quote sent unescaped.
        var length = 0;
        while (true)
        {
            if (length > 0 || current.IsQuoted)
            {
                spans[2 * piece] = position;
                spans[(2 * piece) + 1] = length;
                if (Match(path, end, piece + 1, position + length, spans))
                {
                    return true;
                }
            }

            var next = position + length;
            if (next < end && current.Allows(path[next]))
            {
                length++;
            }
            else if (current.IsQuoted && next + 1 < end && path[next] == '\'' && path[next + 1] == '\'')
            {
                length += 2;
            }
            else
            {
                return false;
            }
        }
    }

    private readonly struct Piece
    {
        private Piece(string text, bool isParameter, bool isQuoted)
        {
            Text = text;
            IsParameter = isParameter;
            IsQuoted = isQuoted;
        }

        public string Text { get; }

        public bool IsParameter { get; }

        public bool IsQuoted { get; }

        public static Piece Literal(string text) => new(text, isParameter: false, isQuoted: false);

        public static Piece Parameter(string name, bool quoted) => new(name, isParameter: true, quoted);

        // A string literal's own quotes arrive escaped (%27), so a raw quote there is the closing one.
        public bool Allows(char c) => c != '/' && c != '\'' && (IsQuoted || (c != '(' && c != ')' && c != ','));
    }
}
