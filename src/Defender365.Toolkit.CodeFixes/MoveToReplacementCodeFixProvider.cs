using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Defender365.Toolkit.Analyzers.Catalog;
using Defender365.Toolkit.Analyzers.Diagnostics;
using Defender365.Toolkit.Analyzers.Generation;
using Defender365.Toolkit.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;

namespace Defender365.Toolkit.CodeFixes;

/// <summary>
/// DEF5001 fix: move a generated-client call to the operation that replaces it
/// (<c>tenant.AdvancedHunting.RunAdvancedHuntingQueryAsync(new RunAdvancedHuntingQueryRequest { … })</c> →
/// <c>tenant.GraphSecurity.AdvancedHunting.RunHuntingQueryAsync(new GraphRunHuntingQueryRequest { … })</c>), let an
/// explicitly typed variable or <c>foreach</c> that receives the result become <c>var</c> (the result type changes),
/// and declare the replacement's permission in the manifest the analyzer read. Fix All does every call and one manifest
/// edit per project in a single change.
/// </summary>
/// <remarks>
/// Offered where the call names its area client from the tenant client (<c>x.AdvancedHunting.Method(…)</c>); a call
/// through a variable holding the area client, or a hand-written <c>HttpClient</c> call, is left to the developer.
/// </remarks>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MoveToReplacementCodeFixProvider))]
[Shared]
public sealed class MoveToReplacementCodeFixProvider : CodeFixProvider
{
    private const string GraphGroup = "GraphSecurity";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIdentifiers.RetiringOperation);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => MoveAllProvider.Instance;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (root is null || Plan(root, diagnostic) is not { } move)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(
                    $"Use {move.Replacement.Id}",
                    ct => ApplyAsync(context.Document.Project.Solution, context.Document.Project.Id, new[] { (context.Document.Id, diagnostic) }, ct),
                    equivalenceKey: nameof(MoveToReplacementCodeFixProvider)),
                diagnostic);
        }
    }

    /// <summary>Rewrites every call, document by document, then declares the permissions once in the project's manifest.</summary>
    private static async Task<Solution> ApplyAsync(Solution solution, ProjectId projectId, IEnumerable<(DocumentId Document, Diagnostic Diagnostic)> work, CancellationToken cancellationToken)
    {
        var permissions = new List<(string Resource, string Name)>();
        Diagnostic? any = null;
        foreach (var byDocument in work.GroupBy(w => w.Document))
        {
            var document = solution.GetDocument(byDocument.Key)!;
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (root is null)
            {
                continue;
            }

            var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
            foreach (var (_, diagnostic) in byDocument)
            {
                if (Plan(root, diagnostic) is not { } move)
                {
                    continue;
                }

                Rewrite(editor, move);
                any = diagnostic;
                if (AddPermissionToManifestCodeFixProvider.Read(diagnostic) is { } permission)
                {
                    permissions.Add(permission);
                }
            }

            solution = editor.GetChangedDocument().Project.Solution;
        }

        return any is not null && permissions.Count > 0 && AddPermissionToManifestCodeFixProvider.FindManifest(solution.GetProject(projectId)!, any) is { } manifest
            ? await AddPermissionToManifestCodeFixProvider.ApplyAsync(solution, manifest.Id, permissions, cancellationToken).ConfigureAwait(false)
            : solution;
    }

    /// <summary>What to rewrite for one DEF5001, or null when the call's shape is not one the fix knows.</summary>
    private static Move? Plan(SyntaxNode root, Diagnostic diagnostic)
    {
        if (!diagnostic.Properties.TryGetValue(RetiringOperationAnalyzer.OperationProperty, out var operationId)
            || !diagnostic.Properties.TryGetValue(RetiringOperationAnalyzer.ReplacementProperty, out var replacementId)
            || operationId is null || replacementId is null
            || ApiCatalog.Instance.FindOperation(operationId) is not { } operation
            || ApiCatalog.Instance.FindOperation(replacementId) is not { } replacement
            || root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not SimpleNameSyntax name
            || name.Parent is not MemberAccessExpressionSyntax { Parent: InvocationExpressionSyntax invocation } call
            || call.Name != name
            || TenantOf(call.Expression, operation) is not { } tenant)
        {
            return null;
        }

        return new Move(operation, replacement, invocation, call, tenant);
    }

    // The tenant client in "tenant.Area" (Defender) or "tenant.GraphSecurity.Area" (Graph); null for any other receiver.
    private static ExpressionSyntax? TenantOf(ExpressionSyntax receiver, CatalogOperation operation)
    {
        if (receiver is not MemberAccessExpressionSyntax area || area.Name.Identifier.ValueText != operation.Area)
        {
            return null;
        }

        if (operation.Group != GraphGroup)
        {
            return area.Expression;
        }

        return area.Expression is MemberAccessExpressionSyntax graph && graph.Name.Identifier.ValueText == GraphGroup ? graph.Expression : null;
    }

    private static void Rewrite(DocumentEditor editor, Move move)
    {
        var (operation, replacement, invocation, call, tenant) = (move.Operation, move.Replacement, move.Invocation, move.Call, move.Tenant);
        ExpressionSyntax client = replacement.Group == GraphGroup
            ? SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, tenant, SyntaxFactory.IdentifierName(GraphGroup))
            : tenant;
        client = SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, client, SyntaxFactory.IdentifierName(replacement.Area));
        var method = SyntaxFactory.IdentifierName(replacement.Name + "Async").WithTriviaFrom(call.Name);

        // The request type: new RunAdvancedHuntingQueryRequest { … } → new GraphRunHuntingQueryRequest { … }.
        var oldRequest = GenerationPlan.RequestTypeName(operation);
        var newRequest = GenerationPlan.RequestTypeName(replacement);
        var arguments = invocation.ArgumentList.ReplaceNodes(
            invocation.ArgumentList.DescendantNodes().OfType<ObjectCreationExpressionSyntax>().Where(o => RightmostName(o.Type) == oldRequest),
            (original, _) => original.WithType(Renamed(original.Type, newRequest)));

        editor.ReplaceNode(invocation, invocation
            .WithExpression(call.WithExpression(client.WithTriviaFrom(call.Expression)).WithName(method))
            .WithArgumentList(arguments));

        // The result's type changes: an explicitly typed receiver becomes var.
        if (ExplicitTypeReceiving(invocation) is { } type)
        {
            editor.ReplaceNode(type, SyntaxFactory.IdentifierName("var").WithTriviaFrom(type));
        }
    }

    private static TypeSyntax? ExplicitTypeReceiving(InvocationExpressionSyntax invocation)
    {
        // Through await, parentheses and Response<T>.Value: what the variable holds is the result's model either way.
        SyntaxNode value = invocation;
        while (value.Parent is AwaitExpressionSyntax or ParenthesizedExpressionSyntax
               || value.Parent is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Value" } member && member.Expression == value)
        {
            value = value.Parent;
        }

        return value.Parent switch
        {
            EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Variables.Count: 1 } declaration } } when !declaration.Type.IsVar => declaration.Type,
            ForEachStatementSyntax loop when loop.Expression == value && !loop.Type.IsVar => loop.Type,
            _ => null,
        };
    }

    private static string RightmostName(TypeSyntax type) => type switch
    {
        QualifiedNameSyntax qualified => qualified.Right.Identifier.ValueText,
        AliasQualifiedNameSyntax alias => alias.Name.Identifier.ValueText,
        SimpleNameSyntax simple => simple.Identifier.ValueText,
        _ => string.Empty,
    };

    private static TypeSyntax Renamed(TypeSyntax type, string name) => type switch
    {
        QualifiedNameSyntax qualified => qualified.WithRight(SyntaxFactory.IdentifierName(name).WithTriviaFrom(qualified.Right)),
        AliasQualifiedNameSyntax alias => alias.WithName(SyntaxFactory.IdentifierName(name).WithTriviaFrom(alias.Name)),
        _ => SyntaxFactory.IdentifierName(name).WithTriviaFrom(type),
    };

    private sealed record Move(CatalogOperation Operation, CatalogOperation Replacement, InvocationExpressionSyntax Invocation, MemberAccessExpressionSyntax Call, ExpressionSyntax Tenant);

    /// <summary>Fix All: every DEF5001 of the scope in one change, one manifest edit per project.</summary>
    private sealed class MoveAllProvider : FixAllProvider
    {
        public static readonly MoveAllProvider Instance = new();

        public override async Task<CodeAction?> GetFixAsync(FixAllContext fixAllContext)
        {
            var projects = fixAllContext.Scope == FixAllScope.Solution ? fixAllContext.Solution.Projects : new[] { fixAllContext.Project };
            var work = new List<(ProjectId Project, List<(DocumentId, Diagnostic)> Calls)>();
            foreach (var project in projects)
            {
                var diagnostics = fixAllContext.Scope is FixAllScope.Document && fixAllContext.Document is { } document
                    ? await fixAllContext.GetDocumentDiagnosticsAsync(document).ConfigureAwait(false)
                    : await fixAllContext.GetAllDiagnosticsAsync(project).ConfigureAwait(false);
                var calls = diagnostics
                    .Where(d => d.Location.SourceTree is not null && project.GetDocument(d.Location.SourceTree) is not null)
                    .Select(d => (project.GetDocument(d.Location.SourceTree)!.Id, d))
                    .ToList();
                if (calls.Count > 0)
                {
                    work.Add((project.Id, calls));
                }
            }

            return work.Count == 0
                ? null
                : CodeAction.Create(
                    "Move every call to its replacement",
                    async ct =>
                    {
                        var solution = fixAllContext.Solution;
                        foreach (var (project, calls) in work)
                        {
                            solution = await ApplyAsync(solution, project, calls, ct).ConfigureAwait(false);
                        }

                        return solution;
                    },
                    equivalenceKey: nameof(MoveToReplacementCodeFixProvider));
        }
    }
}
