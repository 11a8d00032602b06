using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace Defender365.Toolkit.Analyzers.Syntax;

/// <summary>
/// Finds the few tokens a rule cares about by searching a file's text, so that the rule runs once per file rather than
/// once per syntax node. The analyzer driver's cost per callback (measured with <c>-p:ReportAnalyzer=true</c>, several
/// microseconds each) was most of what a cheap rule cost; a search for a quote or a word costs next to nothing, and
/// <see cref="SyntaxNode.FindToken(int, bool)"/> goes straight to the token at a hit.
/// </summary>
internal static class SourceScan
{
    /// <summary>
    /// The string literal tokens (regular, verbatim, raw, UTF-8) and interpolated-string start tokens of a file, in
    /// order. Quotes in comments, directives, character literals and inside other strings are passed over.
    /// </summary>
    /// <param name="root">The file's root node.</param>
    /// <param name="text">The file's text (the same the root was parsed from).</param>
    /// <param name="within">Only this part of the file (the IDE asks for the span on screen); null for all of it.</param>
    public static IEnumerable<SyntaxToken> StringTokens(SyntaxNode root, string text, TextSpan? within = null)
    {
        var scope = root;
        var (start, end) = Bounds(root, text, within);
        var position = text.IndexOf('"', start);
        while (position >= 0 && position < end)
        {
            var token = FindToken(ref scope, position);
            int next;
            if (!token.Span.Contains(position))
            {
                // In a comment or directive: go past the trivia that holds it.
                next = position < token.SpanStart ? token.SpanStart : token.FullSpan.End;
            }
            else
            {
                // An interpolated string's start: holes may hold strings of their own, so go on inside it.
                next = token.Span.End;
                if (IsStringStart(token.Kind()))
                {
                    yield return token;
                }
            }

            position = next < text.Length ? text.IndexOf('"', next) : -1;
        }
    }

    /// <summary>
    /// The comments of a file (<c>//</c>, <c>/* */</c>, and documentation comments whole), in order. Slashes inside
    /// strings and other tokens are passed over.
    /// </summary>
    /// <param name="root">The file's root node.</param>
    /// <param name="text">The file's text (the same the root was parsed from).</param>
    /// <param name="within">Only this part of the file; null for all of it.</param>
    public static IEnumerable<SyntaxTrivia> Comments(SyntaxNode root, string text, TextSpan? within = null)
    {
        var scope = root;
        var (start, end) = Bounds(root, text, within);
        var position = text.IndexOf('/', start);
        while (position >= 0 && position < end - 1)
        {
            var next = position + 1;
            if (text[position + 1] is '/' or '*')
            {
                var token = FindToken(ref scope, position);
                if (token.Span.Contains(position))
                {
                    next = token.Span.End;
                }
                else
                {
                    var trivia = root.FindTrivia(position);
                    if (IsComment(trivia.Kind()))
                    {
                        yield return trivia;
                    }

                    next = Math.Max(trivia.FullSpan.End, position + 2);
                }
            }

            position = next < text.Length ? text.IndexOf('/', next) : -1;
        }
    }

    private static bool IsComment(SyntaxKind kind) =>
        kind is SyntaxKind.SingleLineCommentTrivia or SyntaxKind.MultiLineCommentTrivia
            or SyntaxKind.SingleLineDocumentationCommentTrivia or SyntaxKind.MultiLineDocumentationCommentTrivia;

    /// <summary>
    /// The identifier tokens of a file that contain one of <paramref name="words"/>, each once, grouped by word. Words in
    /// strings and comments are passed over.
    /// </summary>
    /// <param name="root">The file's root node.</param>
    /// <param name="text">The file's text (the same the root was parsed from).</param>
    /// <param name="words">Fragments to look for.</param>
    /// <param name="comparison">How to compare: ordinal, case-sensitive or not.</param>
    /// <param name="within">Only this part of the file; null for all of it.</param>
    public static IEnumerable<SyntaxToken> IdentifiersContaining(SyntaxNode root, string text, IReadOnlyList<string> words, StringComparison comparison, TextSpan? within = null) =>
        Identifiers(root, text, words, comparison, callsOnly: false, within);

    /// <summary>
    /// The calls and object creations whose name contains one of <paramref name="words"/> (<c>x.WithClientSecret(…)</c>,
    /// <c>new ClientSecretCredential(…)</c>), each once: the name's token and the argument list.
    /// </summary>
    public static IEnumerable<(SyntaxToken Name, ArgumentListSyntax Arguments)> CallsNamedWith(SyntaxNode root, string text, IReadOnlyList<string> words, StringComparison comparison, TextSpan? within = null)
    {
        foreach (var name in Identifiers(root, text, words, comparison, callsOnly: true, within))
        {
            if (CallNamedBy(name) is { } arguments)
            {
                yield return (name, arguments);
            }
        }
    }

    /// <summary>
    /// The argument list of the call or object creation that <paramref name="name"/> names (<c>x.Name(…)</c>,
    /// <c>Name(…)</c>, <c>new Name(…)</c>, <c>new A.Name(…)</c>), or null when the identifier is anything else.
    /// </summary>
    public static ArgumentListSyntax? CallNamedBy(SyntaxToken name)
    {
        if (name.Parent is not SimpleNameSyntax simple)
        {
            return null;
        }

        return simple.Parent switch
        {
            MemberAccessExpressionSyntax member when member.Name == simple && member.Parent is InvocationExpressionSyntax invocation && invocation.Expression == member => invocation.ArgumentList,
            InvocationExpressionSyntax invocation when invocation.Expression == simple => invocation.ArgumentList,
            ObjectCreationExpressionSyntax creation when creation.Type == simple => creation.ArgumentList,
            QualifiedNameSyntax qualified when qualified.Right == simple && qualified.Parent is ObjectCreationExpressionSyntax creation && creation.Type == qualified => creation.ArgumentList,
            _ => null,
        };
    }

    // An identifier such as ClientSecretCredential holds several words: it is returned for the first only. With
    // callsOnly, a name not followed by "(" in the text is passed over without looking at the tree (most hits, such as
    // cancellationToken, are parameters and arguments, not calls).
    private static IEnumerable<SyntaxToken> Identifiers(SyntaxNode root, string text, IReadOnlyList<string> words, StringComparison comparison, bool callsOnly, TextSpan? within)
    {
        HashSet<int>? seen = null;
        var (start, end) = Bounds(root, text, within);
        foreach (var word in words)
        {
            var scope = root;
            var position = text.IndexOf(word, start, comparison);
            while (position >= 0 && position < end)
            {
                var next = IdentifierEnd(text, position + word.Length);
                if (!callsOnly || IsFollowedByArgumentList(text, next))
                {
                    var token = FindToken(ref scope, position);
                    if (token.Span.Contains(position))
                    {
                        next = Math.Max(next, token.Span.End);
                        if (token.IsKind(SyntaxKind.IdentifierToken) && (words.Count == 1 || (seen ??= []).Add(token.SpanStart)))
                        {
                            yield return token;
                        }
                    }
                }

                position = next < text.Length ? text.IndexOf(word, next, comparison) : -1;
            }
        }
    }

    // The part of the text to search: a token the span starts inside is searched whole (a string or name cut by the
    // span's start is still found at its first character).
    private static (int Start, int End) Bounds(SyntaxNode root, string text, TextSpan? within)
    {
        if (within is not { } span)
        {
            return (0, text.Length);
        }

        var start = Math.Min(span.Start, text.Length);
        var token = root.FindToken(start);
        return (Math.Min(start, token.Span.Contains(start) ? token.SpanStart : start), Math.Min(span.End, text.Length));
    }

    // Hits come in text order and often close together (one statement, one method): the search starts from the last
    // token's nearest ancestor that spans the position rather than from the root, which halves the cost per hit.
    private static SyntaxToken FindToken(ref SyntaxNode scope, int position)
    {
        while (!scope.FullSpan.Contains(position) && scope.Parent is { } parent)
        {
            scope = parent;
        }

        var token = scope.FindToken(position);
        scope = token.Parent ?? scope;
        return token;
    }

    private static int IdentifierEnd(string text, int position)
    {
        while (position < text.Length && (char.IsLetterOrDigit(text[position]) || text[position] == '_'))
        {
            position++;
        }

        return position;
    }

    // "Name (", "Name<T>(", "Name<A, B<C>>\n(": a cheap look at the text; the tree has the last word.
    private static bool IsFollowedByArgumentList(string text, int position)
    {
        position = SkipWhitespace(text, position);
        if (position < text.Length && text[position] == '<')
        {
            var depth = 0;
            for (; position < text.Length; position++)
            {
                var c = text[position];
                if (c == '<')
                {
                    depth++;
                }
                else if (c == '>' && --depth == 0)
                {
                    break;
                }
                else if (c is ';' or '{' or '}' or '(' or ')' or '"')
                {
                    return false;
                }
            }

            position = SkipWhitespace(text, position + 1);
        }

        return position < text.Length && text[position] == '(';
    }

    private static int SkipWhitespace(string text, int position)
    {
        while (position < text.Length && char.IsWhiteSpace(text[position]))
        {
            position++;
        }

        return position;
    }

    private static bool IsStringStart(SyntaxKind kind) => kind
        is SyntaxKind.StringLiteralToken
        or SyntaxKind.Utf8StringLiteralToken
        or SyntaxKind.SingleLineRawStringLiteralToken
        or SyntaxKind.MultiLineRawStringLiteralToken
        or SyntaxKind.Utf8SingleLineRawStringLiteralToken
        or SyntaxKind.Utf8MultiLineRawStringLiteralToken
        or SyntaxKind.InterpolatedStringStartToken
        or SyntaxKind.InterpolatedVerbatimStringStartToken
        or SyntaxKind.InterpolatedSingleLineRawStringStartToken
        or SyntaxKind.InterpolatedMultiLineRawStringStartToken;
}
