using System.Collections.Generic;
using Microsoft.CodeAnalysis.Text;

namespace Defender365.Toolkit.Analyzers.Json;

/// <summary>
/// A parsed JSON value with its position in the source text, so that every problem can be reported where it is.
/// </summary>
/// <remarks>
/// Why not System.Text.Json: a compiler host (Visual Studio, an older SDK) may load an analyzer next to a different
/// System.Text.Json than it was built against, which fails at run time with FileNotFoundException or MissingMethodException
/// (dotnet/roslyn issues 41785, 52017, 80811). The manifest and the catalog are small; a reader of our own has no such
/// dependency and gives exact spans for diagnostics.
/// </remarks>
internal abstract class JsonNode
{
    protected JsonNode(TextSpan span) => Span = span;

    /// <summary>Where the value stands in the text.</summary>
    public TextSpan Span { get; }

    /// <summary>A short name of the kind of value, for messages: "an object", "a string", ….</summary>
    public abstract string KindName { get; }
}

internal sealed class JsonObject : JsonNode
{
    public JsonObject(TextSpan span, IReadOnlyList<JsonProperty> properties)
        : base(span) => Properties = properties;

    /// <summary>Properties in text order, duplicates kept (the manifest reader reports them).</summary>
    public IReadOnlyList<JsonProperty> Properties { get; }

    public override string KindName => "an object";

    /// <summary>The first property with this exact name.</summary>
    public JsonNode? this[string name]
    {
        get
        {
            foreach (var property in Properties)
            {
                if (property.Name == name)
                {
                    return property.Value;
                }
            }

            return null;
        }
    }
}

internal sealed class JsonProperty
{
    public JsonProperty(string name, TextSpan nameSpan, JsonNode value)
    {
        Name = name;
        NameSpan = nameSpan;
        Value = value;
    }

    public string Name { get; }

    /// <summary>The span of the quoted name.</summary>
    public TextSpan NameSpan { get; }

    public JsonNode Value { get; }
}

internal sealed class JsonArray : JsonNode
{
    public JsonArray(TextSpan span, IReadOnlyList<JsonNode> items)
        : base(span) => Items = items;

    public IReadOnlyList<JsonNode> Items { get; }

    public override string KindName => "an array";
}

internal sealed class JsonString : JsonNode
{
    public JsonString(TextSpan span, string value)
        : base(span) => Value = value;

    public string Value { get; }

    public override string KindName => "a string";
}

internal sealed class JsonNumber : JsonNode
{
    public JsonNumber(TextSpan span, string text)
        : base(span) => Text = text;

    public string Text { get; }

    public override string KindName => "a number";

    public int? AsInt32() => int.TryParse(Text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value) ? value : (int?)null;
}

internal sealed class JsonLiteral : JsonNode
{
    public JsonLiteral(TextSpan span, bool? value)
        : base(span) => Value = value;

    /// <summary><see langword="true"/>, <see langword="false"/>, or <see langword="null"/> for JSON null.</summary>
    public bool? Value { get; }

    public override string KindName => Value is null ? "null" : "a boolean";
}
