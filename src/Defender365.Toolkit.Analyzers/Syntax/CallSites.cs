using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Defender365.Toolkit.Analyzers.Syntax;

/// <summary>Where a diagnostic about a call belongs.</summary>
internal static class CallSites
{
    /// <summary>The method name of a call or method group (<c>client.[|ListIncidentsAsync|](…)</c>), where the squiggle belongs.</summary>
    public static Location NameLocation(SyntaxNode syntax)
    {
        var node = syntax is InvocationExpressionSyntax invocation ? invocation.Expression : syntax;
        return node switch
        {
            MemberAccessExpressionSyntax member => member.Name.GetLocation(),
            MemberBindingExpressionSyntax binding => binding.Name.GetLocation(),
            _ => node.GetLocation(),
        };
    }
}
