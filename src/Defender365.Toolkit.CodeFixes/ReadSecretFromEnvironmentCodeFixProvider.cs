using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Defender365.Toolkit.Analyzers.Diagnostics;
using Defender365.Toolkit.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;

namespace Defender365.Toolkit.CodeFixes;

/// <summary>
/// DEF3001 fix: replace the hardcoded secret with
/// <c>Environment.GetEnvironmentVariable("NAME") ?? throw new InvalidOperationException("Set the NAME environment variable.")</c>,
/// so the code still compiles and fails loudly, not with an empty secret, when the variable is missing. A <c>const</c>
/// holding the secret becomes <c>static readonly</c> (field) or a plain local. With .NET configuration, environment
/// variables are one of its sources, so the same name also works through <c>IConfiguration</c> (<c>__</c> for <c>:</c>).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ReadSecretFromEnvironmentCodeFixProvider))]
[Shared]
public sealed class ReadSecretFromEnvironmentCodeFixProvider : CodeFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIdentifiers.HardcodedSecret);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.TryGetValue(HardcodedSecretAnalyzer.FixableProperty, out var fixable) || fixable != "true"
                || !diagnostic.Properties.TryGetValue(HardcodedSecretAnalyzer.VariableNameProperty, out var name) || name is null
                || root?.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not ExpressionSyntax secret)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(
                    "Read the secret from an environment variable",
                    ct => ReplaceAsync(context.Document, secret, name, ct),
                    equivalenceKey: nameof(ReadSecretFromEnvironmentCodeFixProvider)),
                diagnostic);
        }
    }

    private static async Task<Document> ReplaceAsync(Document document, ExpressionSyntax secret, string variable, CancellationToken cancellationToken)
    {
        var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        var lookup = $"global::System.Environment.GetEnvironmentVariable(\"{variable}\") ?? throw new global::System.InvalidOperationException(\"Set the {variable} environment variable.\")";
        if (secret.IsKind(SyntaxKind.Utf8StringLiteralExpression))
        {
            lookup = $"global::System.Text.Encoding.UTF8.GetBytes({lookup})";
        }

        // Every qualified name is annotated: the simplifier then shortens it where a using exists or is added.
        var parsed = SyntaxFactory.ParseExpression(lookup);
        parsed = parsed.ReplaceNodes(
            parsed.DescendantNodesAndSelf().Where(n => n is MemberAccessExpressionSyntax or QualifiedNameSyntax or AliasQualifiedNameSyntax),
            (_, rewritten) => rewritten.WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation));
        var replacement = SyntaxFactory.ParenthesizedExpression(parsed)
            .WithTriviaFrom(secret)
            .WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation, Formatter.Annotation);
        editor.ReplaceNode(secret, replacement);

        // A constant cannot hold a run-time value.
        switch (secret.FirstAncestorOrSelf<MemberDeclarationSyntax>())
        {
            case FieldDeclarationSyntax field when field.Modifiers.Any(SyntaxKind.ConstKeyword):
                editor.SetModifiers(field, DeclarationModifiers.From(editor.SemanticModel.GetDeclaredSymbol(field.Declaration.Variables[0], cancellationToken)!)
                    .WithIsConst(false).WithIsStatic(true).WithIsReadOnly(true));
                break;
        }

        if (secret.FirstAncestorOrSelf<LocalDeclarationStatementSyntax>() is { } local && local.IsConst)
        {
            editor.SetModifiers(local, DeclarationModifiers.None);
        }

        return editor.GetChangedDocument();
    }
}
