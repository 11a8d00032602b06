using System;
using System.Collections.Immutable;
using System.Linq;
using Defender365.Toolkit.Analyzers.Diagnostics;
using Defender365.Toolkit.Analyzers.Syntax;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Defender365.Toolkit.Analyzers.Rules;

/// <summary>
/// DEF4003: a certificate-validation callback that accepts every certificate (<c>(_, _, _, _) =&gt; true</c>,
/// <c>HttpClientHandler.DangerousAcceptAnyServerCertificateValidator</c>) is set on an HTTP handler, an SSL options
/// object or <c>ServicePointManager</c>: written at the assignment, or a method group, field, property or local whose
/// declaration is one. A callback that checks something (pinning a certificate) is fine.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class TlsValidationDisabledAnalyzer : DiagnosticAnalyzer
{
    /// <summary>DEF4003. Format: "{0} accepts every server certificate: anyone on the network can read the tokens and data".</summary>
    internal static readonly DiagnosticDescriptor Rule = new(
        RuleIdentifiers.TlsValidationDisabled,
        title: "TLS certificate validation disabled",
        messageFormat: "{0} accepts every server certificate: anyone on the network can read the tokens and data",
        RuleCategories.Security,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "Bearer tokens for the Defender APIs grant access to a customer's security data. Validate certificates; to trust a local test server, pin its certificate instead of accepting all.",
        helpLinkUri: RuleIdentifiers.GetHelpUri(RuleIdentifiers.TlsValidationDisabled));

    private static readonly ImmutableHashSet<string> CallbackProperties = ImmutableHashSet.Create(
        "ServerCertificateCustomValidationCallback",
        "RemoteCertificateValidationCallback",
        "ServerCertificateValidationCallback");

    // The part every callback name above shares.
    private static readonly string[] CallbackWord = ["ValidationCallback"];

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rule);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterSemanticModelAction(AnalyzeFile);
    }

    // Once per file, and only where the text names a validation callback: most files never do.
    private static void AnalyzeFile(SemanticModelAnalysisContext context)
    {
        var tree = context.SemanticModel.SyntaxTree;
        var root = tree.GetRoot(context.CancellationToken);
        var text = tree.GetText(context.CancellationToken).ToString();
        foreach (var name in SourceScan.IdentifiersContaining(root, text, CallbackWord, StringComparison.Ordinal, context.FilterSpan))
        {
            if (CallbackProperties.Contains(name.ValueText) && AssignmentTo(name) is { } assignment)
            {
                AnalyzeAssignment(context, assignment);
            }
        }
    }

    // handler.X = …, X = … in an object initializer, x?.X = …, handler.X += …
    private static AssignmentExpressionSyntax? AssignmentTo(SyntaxToken name)
    {
        SyntaxNode? left = name.Parent;
        if (left?.Parent is MemberAccessExpressionSyntax member && member.Name == left)
        {
            left = member;
        }
        else if (left?.Parent is MemberBindingExpressionSyntax binding && binding.Name == left)
        {
            left = binding;
        }

        return left?.Parent is AssignmentExpressionSyntax assignment && assignment.Left == left
               && (assignment.IsKind(SyntaxKind.SimpleAssignmentExpression) || assignment.IsKind(SyntaxKind.AddAssignmentExpression))
            ? assignment
            : null;
    }

    // The semantic model is asked only about an assignment to a property with one of the callback names.
    private static void AnalyzeAssignment(SemanticModelAnalysisContext context, AssignmentExpressionSyntax syntax)
    {
        if (context.SemanticModel.GetOperation(syntax, context.CancellationToken) is not IAssignmentOperation assignment)
        {
            return;
        }

        if (assignment.Target is not IPropertyReferenceOperation { Property: { } property }
            || !CallbackProperties.Contains(property.Name)
            || property.ContainingType.ContainingNamespace?.ToDisplayString() is not ("System.Net.Http" or "System.Net.Security" or "System.Net"))
        {
            return;
        }

        if (AcceptsEverything(assignment.Value))
        {
            context.ReportDiagnostic(Diagnostic.Create(Rule, assignment.Syntax.GetLocation(), $"{property.ContainingType.Name}.{property.Name}"));
        }
    }

    private static bool AcceptsEverything(IOperation value)
    {
        while (value is IConversionOperation conversion)
        {
            value = conversion.Operand;
        }

        switch (value)
        {
            case IPropertyReferenceOperation { Property.Name: "DangerousAcceptAnyServerCertificateValidator" }:
                return true;
            case IDelegateCreationOperation { Target: IAnonymousFunctionOperation lambda }:
                return ReturnsOnlyTrue(lambda.Body);
            case IAnonymousFunctionOperation lambda:
                return ReturnsOnlyTrue(lambda.Body);
            case IDelegateCreationOperation { Target: IMethodReferenceOperation method }:
                // A method group: the method's own body decides (handler.X = AcceptAll).
                return DeclaredAcceptingAll(method.Method);
            case IFieldReferenceOperation { Field: { } field }:
                return DeclaredAcceptingAll(field);
            case ILocalReferenceOperation { Local: { } local }:
                return DeclaredAcceptingAll(local);
            case IPropertyReferenceOperation { Property: { } property }:
                return DeclaredAcceptingAll(property);
            default:
                return false;
        }
    }

    /// <summary>
    /// A method whose body returns only <see langword="true"/>, or a field, property or local whose initializer is an
    /// accept-all lambda or the dangerous validator: read from its declaration's syntax, wherever it is.
    /// </summary>
    private static bool DeclaredAcceptingAll(ISymbol symbol)
    {
        foreach (var reference in symbol.DeclaringSyntaxReferences)
        {
            var accepts = reference.GetSyntax() switch
            {
                MethodDeclarationSyntax method => BodyReturnsOnlyTrue(method.ExpressionBody?.Expression, method.Body),
                LocalFunctionStatementSyntax function => BodyReturnsOnlyTrue(function.ExpressionBody?.Expression, function.Body),
                VariableDeclaratorSyntax { Initializer.Value: { } initializer } => AcceptsEverythingSyntax(initializer),
                PropertyDeclarationSyntax { Initializer.Value: { } initializer } => AcceptsEverythingSyntax(initializer),
                PropertyDeclarationSyntax { ExpressionBody.Expression: { } body } => AcceptsEverythingSyntax(body),
                _ => false,
            };
            if (accepts)
            {
                return true;
            }
        }

        return false;
    }

    private static bool AcceptsEverythingSyntax(ExpressionSyntax value) => value switch
    {
        ParenthesizedExpressionSyntax parenthesized => AcceptsEverythingSyntax(parenthesized.Expression),
        CastExpressionSyntax cast => AcceptsEverythingSyntax(cast.Expression),
        LambdaExpressionSyntax lambda => BodyReturnsOnlyTrue(lambda.ExpressionBody, lambda.Block),
        AnonymousMethodExpressionSyntax anonymous => BodyReturnsOnlyTrue(null, anonymous.Block),
        MemberAccessExpressionSyntax { Name.Identifier.ValueText: "DangerousAcceptAnyServerCertificateValidator" } => true,
        _ => false,
    };

    private static bool BodyReturnsOnlyTrue(ExpressionSyntax? expression, BlockSyntax? block)
    {
        if (expression is not null)
        {
            return expression.IsKind(SyntaxKind.TrueLiteralExpression);
        }

        var returns = block?.DescendantNodes(n => n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)).OfType<ReturnStatementSyntax>().ToArray();
        return returns is { Length: > 0 } && returns.All(r => r.Expression?.IsKind(SyntaxKind.TrueLiteralExpression) == true);
    }

    /// <summary>A body whose every return is the constant <see langword="true"/>.</summary>
    private static bool ReturnsOnlyTrue(IBlockOperation body)
    {
        var returns = body.Descendants().OfType<IReturnOperation>().ToArray();
        return returns.Length > 0 && returns.All(r => r.ReturnedValue is { ConstantValue: { HasValue: true, Value: true } });
    }
}
