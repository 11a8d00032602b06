using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Defender365.Toolkit.Analyzers.Catalog;

/// <summary>
/// Reads a hand-written request: a literal or interpolated absolute URL given to <c>HttpClient</c> (<c>GetAsync</c>,
/// <c>PostAsync</c>, <c>GetFromJsonAsync</c>, …) or to <c>new HttpRequestMessage(HttpMethod.X, …)</c>, directly or
/// through <c>new Uri(…)</c>, as an HTTP method and a URL pattern that <see cref="OperationMatcher"/> maps to its
/// operation. Syntax first: only a string naming a known host reaches the semantic model.
/// </summary>
internal static class RawHttpCalls
{
    /// <summary>The method and URL (holes as <see cref="OperationMatcher.Unknown"/>) of the call a string is the URL of; null otherwise.</summary>
    public static (string Method, string Url)? Read(SemanticModel model, ExpressionSyntax node, INamedTypeSymbol httpClient, CancellationToken cancellationToken)
    {
        if (node.Parent is InterpolationSyntax || UrlPattern(node) is not { } url
            || !OperationMatcher.TrySplitUrl(url, out var host, out _) || !OperationMatcher.Instance.IsKnownHost(host))
        {
            return null;
        }

        SyntaxNode argumentOf = node;
        while (argumentOf.Parent is ParenthesizedExpressionSyntax)
        {
            argumentOf = argumentOf.Parent;
        }

        // new Uri("https://…")
        if (argumentOf.Parent is ArgumentSyntax { Parent.Parent: ObjectCreationExpressionSyntax uri } && uri.Type.ToString() is "Uri" or "System.Uri")
        {
            argumentOf = uri;
        }

        return argumentOf.Parent is ArgumentSyntax { Parent: ArgumentListSyntax { Parent: { } call } arguments }
               && HttpMethodOf(model, call, arguments, httpClient, cancellationToken) is { } method
            ? (method, url)
            : null;
    }

    // The text of the URL with OperationMatcher.Unknown for each hole; null for anything else.
    private static string? UrlPattern(ExpressionSyntax node)
    {
        if (node is LiteralExpressionSyntax literal)
        {
            return literal.Token.ValueText;
        }

        // Most interpolated strings are not URLs: only one that starts with text beginning "http" is assembled.
        var contents = ((InterpolatedStringExpressionSyntax)node).Contents;
        if (contents.Count == 0 || contents[0] is not InterpolatedStringTextSyntax first
            || !first.TextToken.ValueText.StartsWith("http", System.StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var builder = new System.Text.StringBuilder();
        foreach (var content in contents)
        {
            if (content is InterpolatedStringTextSyntax text)
            {
                builder.Append(text.TextToken.ValueText);
            }
            else
            {
                builder.Append(OperationMatcher.Unknown);
            }
        }

        return builder.ToString();
    }

    /// <summary>The HTTP method of an HttpClient call or HttpRequestMessage creation taking the URL; null otherwise.</summary>
    private static string? HttpMethodOf(SemanticModel model, SyntaxNode call, ArgumentListSyntax arguments, INamedTypeSymbol httpClient, CancellationToken cancellationToken)
    {
        if (call is ObjectCreationExpressionSyntax or ImplicitObjectCreationExpressionSyntax)
        {
            if (model.GetSymbolInfo(call, cancellationToken).Symbol is not IMethodSymbol { ContainingType.Name: "HttpRequestMessage" }
                || arguments.Arguments.Count < 2)
            {
                return null;
            }

            return arguments.Arguments[0].Expression switch
            {
                MemberAccessExpressionSyntax { Name.Identifier.ValueText: var name } => name.ToUpperInvariant(),
                ObjectCreationExpressionSyntax { ArgumentList.Arguments: [{ Expression: LiteralExpressionSyntax { Token.Value: string verb } }] } => verb.ToUpperInvariant(),
                _ => null,
            };
        }

        if (call is not InvocationExpressionSyntax
            || model.GetSymbolInfo(call, cancellationToken).Symbol is not IMethodSymbol method
            || !(SymbolEqualityComparer.Default.Equals(method.ContainingType, httpClient)
                 || (method.IsExtensionMethod && SymbolEqualityComparer.Default.Equals(method.ReducedFrom?.Parameters[0].Type ?? method.Parameters[0].Type, httpClient))))
        {
            return null;
        }

        foreach (var verb in new[] { "Get", "Post", "Put", "Patch", "Delete" })
        {
            if (method.Name.StartsWith(verb, System.StringComparison.Ordinal))
            {
                return verb.ToUpperInvariant();
            }
        }

        return null;
    }
}
