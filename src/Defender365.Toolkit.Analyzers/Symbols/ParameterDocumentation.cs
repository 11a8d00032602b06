using System;
using Microsoft.CodeAnalysis;

namespace Defender365.Toolkit.Analyzers.Symbols;

/// <summary>
/// What a parameter's <c>&lt;param&gt;</c> documentation says it holds, read from the declaration's comment text (so it
/// works whether or not the build parses documentation comments).
/// </summary>
internal static class ParameterDocumentation
{
    // Words that make a parameter called "secret" or "token" the thing's name or address, not its value.
    private static readonly string[] NameWords = ["name", "names", "identifier", "id", "uri", "url", "path", "label", "alias"];

    /// <summary>Whether the parameter's documentation says it is a name, id or address: <c>The name of the Key Vault secret</c>.</summary>
    public static bool SaysItIsAName(IParameterSymbol parameter)
    {
        if (parameter.ContainingSymbol.DeclaringSyntaxReferences is not [var declaration, ..])
        {
            return false;
        }

        var comment = declaration.GetSyntax().GetLeadingTrivia().ToFullString();
        var open = comment.IndexOf("<param name=\"" + parameter.Name + "\">", StringComparison.Ordinal);
        if (open < 0)
        {
            return false;
        }

        var start = open + parameter.Name.Length + 15;
        var end = comment.IndexOf("</param>", start, StringComparison.Ordinal);
        return end > start && HasNameWord(comment, start, end);
    }

    private static bool HasNameWord(string text, int start, int end)
    {
        for (var i = start; i < end; i++)
        {
            if (!char.IsLetter(text[i]) || (i > start && char.IsLetter(text[i - 1])))
            {
                continue;
            }

            var wordEnd = i;
            while (wordEnd < end && char.IsLetter(text[wordEnd]))
            {
                wordEnd++;
            }

            foreach (var word in NameWords)
            {
                if (word.Length == wordEnd - i && string.Compare(text, i, word, 0, word.Length, StringComparison.OrdinalIgnoreCase) == 0)
                {
                    return true;
                }
            }

            i = wordEnd;
        }

        return false;
    }
}
