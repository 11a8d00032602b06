using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Defender365.Toolkit.Analyzers.Diagnostics;
using Defender365.Toolkit.Analyzers.Rules;
using Defender365.Toolkit.Analyzers.Symbols;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;

namespace Defender365.Toolkit.CodeFixes;

/// <summary>
/// DEF3001 fix: replace the hardcoded secret with a read of its configuration key (<c>Defender:ClientSecret</c> for a
/// client secret, the hosted app's and the tool's name for it; see <c>ConfigurationKeys</c>) that fails loudly, not with
/// an empty secret, when it is missing. With an <c>IConfiguration</c> in scope it reads
/// <c>configuration["Defender:ClientSecret"]</c>, so user-secrets, environment variables and a key vault all work;
/// otherwise the same key's environment variable, <c>Environment.GetEnvironmentVariable("Defender__ClientSecret")</c>,
/// which a hosted app's configuration reads too. A <c>const</c> holding the secret becomes <c>static readonly</c> (field)
/// or a plain local.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ReadSecretFromEnvironmentCodeFixProvider))]
[Shared]
public sealed class ReadSecretFromEnvironmentCodeFixProvider : CodeFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIdentifiers.HardcodedSecret, RuleIdentifiers.SecretByName);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.TryGetValue(HardcodedSecretAnalyzer.FixableProperty, out var fixable) || fixable != "true"
                || !diagnostic.Properties.TryGetValue(HardcodedSecretAnalyzer.ConfigurationKeyProperty, out var key) || key is null
                || root?.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not ExpressionSyntax secret)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(
                    $"Read the secret from configuration ({key})",
                    ct => ReplaceAsync(context.Document, secret, key, ct),
                    equivalenceKey: nameof(ReadSecretFromEnvironmentCodeFixProvider)),
                diagnostic);
        }
    }

    private static async Task<Document> ReplaceAsync(Document document, ExpressionSyntax secret, string key, CancellationToken cancellationToken)
    {
        var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        var variable = key.Replace(":", "__");
        var lookup = ConfigurationInScope(editor.SemanticModel, secret, cancellationToken) is { } configuration
            ? $"{configuration}[\"{key}\"] ?? throw new global::System.InvalidOperationException(\"Set {key}: user-secrets in development, the {variable} environment variable or a key vault in production.\")"
            : $"global::System.Environment.GetEnvironmentVariable(\"{variable}\") ?? throw new global::System.InvalidOperationException(\"Set the {variable} environment variable (the configuration key {key}).\")";
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

    // The name of an IConfiguration the replaced expression can use: a parameter or an earlier local, or a field or
    // property when the expression runs in an instance member (not in a field initializer, where 'this' is not there).
    private static string? ConfigurationInScope(SemanticModel model, ExpressionSyntax secret, CancellationToken cancellationToken)
    {
        var configuration = model.Compilation.GetBestType("Microsoft.Extensions.Configuration.IConfiguration");
        if (configuration is null)
        {
            return null;
        }

        var member = secret.FirstAncestorOrSelf<MemberDeclarationSyntax>();
        var instanceCode = member is BaseMethodDeclarationSyntax or PropertyDeclarationSyntax or IndexerDeclarationSyntax or EventDeclarationSyntax
            && !member.Modifiers.Any(SyntaxKind.StaticKeyword)
            && secret.FirstAncestorOrSelf<EqualsValueClauseSyntax>()?.Parent is not PropertyDeclarationSyntax;
        foreach (var symbol in model.LookupSymbols(secret.SpanStart))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (type, usable) = symbol switch
            {
                IParameterSymbol parameter => (parameter.Type, true),
                ILocalSymbol local => (local.Type, local.DeclaringSyntaxReferences.All(r => r.Span.End <= secret.SpanStart)),
                IFieldSymbol field => (field.Type, field.IsStatic || instanceCode),
                IPropertySymbol property => (property.Type, !property.IsIndexer && (property.IsStatic || instanceCode)),
                _ => (null, false),
            };
            if (usable && type is not null && IsConfiguration(type, configuration))
            {
                return symbol.Name;
            }
        }

        return null;
    }

    private static bool IsConfiguration(ITypeSymbol type, INamedTypeSymbol configuration) =>
        SymbolEqualityComparer.Default.Equals(type, configuration) || type.AllInterfaces.Contains(configuration, SymbolEqualityComparer.Default);
}
