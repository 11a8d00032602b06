using System.Collections.Generic;
using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis.Text;

namespace Defender365.Toolkit.Analyzers.Json;

/// <summary>The outcome of reading a JSON text: the root value, or the first syntax error and where it is.</summary>
internal readonly struct JsonReadResult
{
    public JsonReadResult(JsonNode? root, string? error, TextSpan errorSpan)
    {
        Root = root;
        Error = error;
        ErrorSpan = errorSpan;
    }

    public JsonNode? Root { get; }

    public string? Error { get; }

    public TextSpan ErrorSpan { get; }
}

/// <summary>
/// A strict RFC 8259 reader (comments allowed, as in JSON files edited by hand) that never throws: any defect is
/// returned as a message and a span.
/// </summary>
internal sealed class JsonReader
{
    private const int MaxDepth = 64;
    private readonly string _text;
    private int _position;
    private string? _error;
    private TextSpan _errorSpan;

    private JsonReader(string text) => _text = text;

    public static JsonReadResult Read(string text)
    {
        var reader = new JsonReader(text);
        reader.SkipTrivia();
        if (reader.AtEnd)
        {
            return new JsonReadResult(null, "The file is empty; expected a JSON object.", new TextSpan(0, 0));
        }

        var root = reader.ReadValue(depth: 0);
        if (root is not null)
        {
            reader.SkipTrivia();
            if (reader._error is null && !reader.AtEnd)
            {
                reader.Fail($"Unexpected '{reader.Current}' after the end of the JSON value.", reader._position, reader._text.Length - reader._position);
            }
        }

        return reader._error is null ? new JsonReadResult(root, null, default) : new JsonReadResult(null, reader._error, reader._errorSpan);
    }

    private bool AtEnd => _position >= _text.Length;

    private char Current => _text[_position];

    private JsonNode? ReadValue(int depth)
    {
        if (depth > MaxDepth)
        {
            return Fail($"Nesting is deeper than {MaxDepth} levels.", _position, 1);
        }

        SkipTrivia();
        if (AtEnd)
        {
            return Fail("Unexpected end of file; expected a value.", _text.Length, 0);
        }

        switch (Current)
        {
            case '{':
                return ReadObject(depth);
            case '[':
                return ReadArray(depth);
            case '"':
                var start = _position;
                var text = ReadString();
                return text is null ? null : new JsonString(TextSpan.FromBounds(start, _position), text);
            case 't':
                return ReadWord("true", true);
            case 'f':
                return ReadWord("false", false);
            case 'n':
                return ReadWord("null", null);
            default:
                if (Current == '-' || (Current >= '0' && Current <= '9'))
                {
                    return ReadNumber();
                }

                return Fail($"Unexpected '{Current}'; expected a value (object, array, string, number, true, false or null).", _position, 1);
        }
    }

    private JsonNode? ReadObject(int depth)
    {
        var start = _position++;
        var properties = new List<JsonProperty>();
        SkipTrivia();
        if (!AtEnd && Current == '}')
        {
            _position++;
            return new JsonObject(TextSpan.FromBounds(start, _position), properties);
        }

        while (true)
        {
            SkipTrivia();
            if (AtEnd)
            {
                return Fail("Unexpected end of file; the object is not closed with '}'.", _text.Length, 0);
            }

            if (Current != '"')
            {
                return Fail($"Unexpected '{Current}'; expected a property name in double quotes.", _position, 1);
            }

            var nameStart = _position;
            var name = ReadString();
            if (name is null)
            {
                return null;
            }

            var nameSpan = TextSpan.FromBounds(nameStart, _position);
            SkipTrivia();
            if (AtEnd || Current != ':')
            {
                return Fail($"Expected ':' after the property name \"{name}\".", AtEnd ? _text.Length : _position, AtEnd ? 0 : 1);
            }

            _position++;
            var value = ReadValue(depth + 1);
            if (value is null)
            {
                return null;
            }

            properties.Add(new JsonProperty(name, nameSpan, value));
            SkipTrivia();
            if (AtEnd)
            {
                return Fail("Unexpected end of file; the object is not closed with '}'.", _text.Length, 0);
            }

            if (Current == ',')
            {
                _position++;
                SkipTrivia();
                if (!AtEnd && Current == '}')
                {
                    return Fail("A trailing comma is not allowed before '}'.", _position - 1, 1);
                }

                continue;
            }

            if (Current == '}')
            {
                _position++;
                return new JsonObject(TextSpan.FromBounds(start, _position), properties);
            }

            return Fail($"Unexpected '{Current}'; expected ',' or '}}'.", _position, 1);
        }
    }

    private JsonNode? ReadArray(int depth)
    {
        var start = _position++;
        var items = new List<JsonNode>();
        SkipTrivia();
        if (!AtEnd && Current == ']')
        {
            _position++;
            return new JsonArray(TextSpan.FromBounds(start, _position), items);
        }

        while (true)
        {
            var item = ReadValue(depth + 1);
            if (item is null)
            {
                return null;
            }

            items.Add(item);
            SkipTrivia();
            if (AtEnd)
            {
                return Fail("Unexpected end of file; the array is not closed with ']'.", _text.Length, 0);
            }

            if (Current == ',')
            {
                _position++;
                SkipTrivia();
                if (!AtEnd && Current == ']')
                {
                    return Fail("A trailing comma is not allowed before ']'.", _position - 1, 1);
                }

                continue;
            }

            if (Current == ']')
            {
                _position++;
                return new JsonArray(TextSpan.FromBounds(start, _position), items);
            }

            return Fail($"Unexpected '{Current}'; expected ',' or ']'.", _position, 1);
        }
    }

    private string? ReadString()
    {
        var start = _position++;
        var builder = new StringBuilder();
        while (!AtEnd)
        {
            var c = Current;
            if (c == '"')
            {
                _position++;
                return builder.ToString();
            }

            if (c < ' ')
            {
                Fail("A string cannot contain a raw control character or line break; escape it.", _position, 1);
                return null;
            }

            if (c != '\\')
            {
                builder.Append(c);
                _position++;
                continue;
            }

            if (_position + 1 >= _text.Length)
            {
                break;
            }

            var escape = _text[_position + 1];
            switch (escape)
            {
                case '"': builder.Append('"'); break;
                case '\\': builder.Append('\\'); break;
                case '/': builder.Append('/'); break;
                case 'b': builder.Append('\b'); break;
                case 'f': builder.Append('\f'); break;
                case 'n': builder.Append('\n'); break;
                case 'r': builder.Append('\r'); break;
                case 't': builder.Append('\t'); break;
                case 'u':
                    if (_position + 6 > _text.Length
                        || !int.TryParse(_text.Substring(_position + 2, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
                    {
                        Fail("Invalid \\u escape; expected four hexadecimal digits.", _position, System.Math.Min(6, _text.Length - _position));
                        return null;
                    }

                    builder.Append((char)code);
                    _position += 4;
                    break;
                default:
                    Fail($"Invalid escape '\\{escape}' in a string.", _position, 2);
                    return null;
            }

            _position += 2;
        }

        Fail("Unexpected end of file; the string is not closed with '\"'.", start, _text.Length - start);
        return null;
    }

    private JsonNode? ReadNumber()
    {
        var start = _position;
        if (Current == '-')
        {
            _position++;
        }

        if (!ReadDigits())
        {
            return Fail("Invalid number.", start, System.Math.Max(1, _position - start));
        }

        if (!AtEnd && Current == '.')
        {
            _position++;
            if (!ReadDigits())
            {
                return Fail("Invalid number: expected digits after '.'.", start, _position - start);
            }
        }

        if (!AtEnd && (Current == 'e' || Current == 'E'))
        {
            _position++;
            if (!AtEnd && (Current == '+' || Current == '-'))
            {
                _position++;
            }

            if (!ReadDigits())
            {
                return Fail("Invalid number: expected digits in the exponent.", start, _position - start);
            }
        }

        return new JsonNumber(TextSpan.FromBounds(start, _position), _text.Substring(start, _position - start));

        bool ReadDigits()
        {
            var digitsStart = _position;
            while (!AtEnd && Current >= '0' && Current <= '9')
            {
                _position++;
            }

            return _position > digitsStart;
        }
    }

    private JsonNode? ReadWord(string word, bool? value)
    {
        if (string.CompareOrdinal(_text, _position, word, 0, word.Length) != 0)
        {
            var end = _position;
            while (end < _text.Length && char.IsLetter(_text[end]))
            {
                end++;
            }

            return Fail($"Unexpected '{_text.Substring(_position, System.Math.Max(1, end - _position))}'; expected a value. Strings need double quotes.", _position, System.Math.Max(1, end - _position));
        }

        var start = _position;
        _position += word.Length;
        return new JsonLiteral(TextSpan.FromBounds(start, _position), value);
    }

    private void SkipTrivia()
    {
        while (!AtEnd)
        {
            var c = Current;
            // JSON's whitespace is these four; a byte order mark only opens a document.
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || (c == '\uFEFF' && _position == 0))
            {
                _position++;
            }
            else if (c == '/' && _position + 1 < _text.Length && _text[_position + 1] == '/')
            {
                while (!AtEnd && Current != '\n')
                {
                    _position++;
                }
            }
            else if (c == '/' && _position + 1 < _text.Length && _text[_position + 1] == '*')
            {
                var close = _text.IndexOf("*/", _position + 2, System.StringComparison.Ordinal);
                _position = close < 0 ? _text.Length : close + 2;
            }
            else
            {
                return;
            }
        }
    }

    private JsonNode? Fail(string message, int start, int length)
    {
        if (_error is null)
        {
            _error = message;
            _errorSpan = new TextSpan(start, length);
        }

        return null;
    }
}
