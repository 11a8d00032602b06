using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Defender365.Toolkit.Analyzers.Secrets;

/// <summary>
/// The text of a string expression as DEF3001 judges it, from syntax alone: a concatenation (<c>"a" + B + "c"</c>,
/// <c>string.Concat("a", "b")</c>) or an interpolation is taken whole, with <see cref="Hole"/> where a value is only known at run time, and each piece keeps
/// its node so a format found inside can be reported where it is written.
/// </summary>
internal static class StringFolding
{
    /// <summary>Separates the text of string pieces around an interpolation hole or a non-constant operand: no format crosses it.</summary>
    public const char Hole = '\u0001';

    // The outermost concatenation a string is part of ("a" + B + "c", string.Concat("a", B)), through parentheses; the
    // string itself otherwise.
    public static ExpressionSyntax TopOfConcatenation(ExpressionSyntax node)
    {
        var top = node;
        for (var parent = node.Parent; parent is not null; parent = parent.Parent)
        {
            if (parent is BinaryExpressionSyntax addition && addition.IsKind(SyntaxKind.AddExpression))
            {
                top = addition;
            }
            else if (parent is ArgumentSyntax { Parent: ArgumentListSyntax { Parent: InvocationExpressionSyntax concat } } && IsStringConcat(concat))
            {
                top = concat;
                parent = concat;
            }
            else if (parent is not ParenthesizedExpressionSyntax)
            {
                break;
            }
        }

        return top;
    }

    /// <summary><c>string.Concat(…)</c>, <c>String.Concat(…)</c>, <c>System.String.Concat(…)</c>, read from syntax.</summary>
    public static bool IsStringConcat(InvocationExpressionSyntax invocation) =>
        invocation.Expression is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Concat" } member
        && member.Expression switch
        {
            PredefinedTypeSyntax predefined => predefined.Keyword.IsKind(SyntaxKind.StringKeyword),
            IdentifierNameSyntax { Identifier.ValueText: "String" } => true,
            MemberAccessExpressionSyntax { Name.Identifier.ValueText: "String", Expression: IdentifierNameSyntax { Identifier.ValueText: "System" } } => true,
            _ => false,
        };

    /// <summary>
    /// The text of a string expression: literal pieces in order, <see cref="Hole"/> where a value is not literal.
    /// False when the expression is an addition that involves no string literal (numbers, non-string operands).
    /// </summary>
    public static bool Collect(ExpressionSyntax node, List<(SyntaxNode Node, int Start)> pieces, StringBuilder text, List<ExpressionSyntax> holes)
    {
        switch (node)
        {
            case LiteralExpressionSyntax literal when literal.IsKind(SyntaxKind.StringLiteralExpression) || literal.IsKind(SyntaxKind.Utf8StringLiteralExpression):
                pieces.Add((literal, text.Length));
                text.Append(literal.Token.ValueText);
                return true;
            case InterpolatedStringExpressionSyntax interpolated:
                foreach (var content in interpolated.Contents)
                {
                    if (content is InterpolatedStringTextSyntax part)
                    {
                        pieces.Add((part, text.Length));
                        text.Append(part.TextToken.ValueText);
                    }
                    else
                    {
                        holes.Add(((InterpolationSyntax)content).Expression);
                        text.Append(Hole);
                    }
                }

                return true;
            case ParenthesizedExpressionSyntax parenthesized:
                return Collect(parenthesized.Expression, pieces, text, holes);
            case BinaryExpressionSyntax binary when binary.IsKind(SyntaxKind.AddExpression):
                var left = Collect(binary.Left, pieces, text, holes);
                var right = Collect(binary.Right, pieces, text, holes);
                return left || right;
            case InvocationExpressionSyntax concat when IsStringConcat(concat):
                var any = false;
                foreach (var argument in concat.ArgumentList.Arguments)
                {
                    any |= Collect(argument.Expression, pieces, text, holes);
                }

                return any;
            default:
                holes.Add(node);
                text.Append(Hole);
                return false;
        }
    }

    public static bool HasStringOperand(ExpressionSyntax node) => node switch
    {
        LiteralExpressionSyntax literal => literal.IsKind(SyntaxKind.StringLiteralExpression) || literal.IsKind(SyntaxKind.Utf8StringLiteralExpression),
        InterpolatedStringExpressionSyntax => true,
        ParenthesizedExpressionSyntax parenthesized => HasStringOperand(parenthesized.Expression),
        BinaryExpressionSyntax binary when binary.IsKind(SyntaxKind.AddExpression) => HasStringOperand(binary.Left) || HasStringOperand(binary.Right),
        InvocationExpressionSyntax concat when IsStringConcat(concat) => concat.ArgumentList.Arguments.Any(a => HasStringOperand(a.Expression)),
        _ => false,
    };

    public static SyntaxNode PieceAt(List<(SyntaxNode Node, int Start)> pieces, int offset)
    {
        var found = pieces[0].Node;
        foreach (var (piece, start) in pieces)
        {
            if (start <= offset)
            {
                found = piece;
            }
        }

        return found;
    }

    public static bool NoWhitespace(string text)
    {
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                return false;
            }
        }

        return true;
    }
}
