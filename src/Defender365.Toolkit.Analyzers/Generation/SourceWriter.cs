using System.Text;

namespace Defender365.Toolkit.Analyzers.Generation;

/// <summary>Writes indented C# source; braces open and close blocks.</summary>
internal sealed class SourceWriter
{
    private readonly StringBuilder _builder = new();
    private int _indent;

    public SourceWriter Line(string text = "")
    {
        if (text.Length > 0)
        {
            _builder.Append(' ', _indent * 4);
        }

        _builder.Append(text).Append('\n');
        return this;
    }

    public SourceWriter Open(string header)
    {
        Line(header);
        Line("{");
        _indent++;
        return this;
    }

    public SourceWriter Close(string suffix = "")
    {
        _indent--;
        return Line("}" + suffix);
    }

    /// <summary>A <c>/// &lt;summary&gt;</c> with the text XML-escaped.</summary>
    public SourceWriter Summary(string text) => Line("/// <summary>" + Escape(text) + "</summary>");

    public SourceWriter Doc(string element, string text) => Line($"/// <{element}>{Escape(text)}</{element.Split(' ')[0]}>");

    public static string Escape(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

    /// <summary>A C# string literal of <paramref name="text"/>, escaped by Roslyn's own rules.</summary>
    public static string Literal(string text) => Microsoft.CodeAnalysis.CSharp.SymbolDisplay.FormatLiteral(text, quote: true);

    public override string ToString() => _builder.ToString();
}
