using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Defender365.Toolkit.Analyzers.Diagnostics;
using Defender365.Toolkit.Analyzers.Manifest;
using Defender365.Toolkit.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;

namespace Defender365.Toolkit.CodeFixes;

/// <summary>DEF2001 fix: declare the least-privileged permission the call needs in <c>defender-scopes.json</c>.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddPermissionToManifestCodeFixProvider))]
[Shared]
public sealed class AddPermissionToManifestCodeFixProvider : CodeFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIdentifiers.UndeclaredPermission);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => ManifestFixAllProvider.Instance;

    /// <inheritdoc/>
    public override Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (var diagnostic in context.Diagnostics)
        {
            if (Read(diagnostic) is not { } permission || FindManifest(context.Document.Project, diagnostic) is not { } manifest)
            {
                continue;
            }

            var title = $"Declare {permission.Name} in {ManifestParser.FileName}";
            context.RegisterCodeFix(
                CodeAction.Create(title, ct => ApplyAsync(context.Document.Project.Solution, manifest.Id, new[] { permission }, ct), equivalenceKey: nameof(AddPermissionToManifestCodeFixProvider)),
                diagnostic);
        }

        return Task.CompletedTask;
    }

    internal static (string Resource, string Name)? Read(Diagnostic diagnostic) =>
        diagnostic.Properties.TryGetValue(UndeclaredPermissionAnalyzer.ResourceDisplayNameProperty, out var resource) && resource is not null
        && diagnostic.Properties.TryGetValue(UndeclaredPermissionAnalyzer.PermissionProperty, out var name) && name is not null
            ? (resource, name)
            : null;

    /// <summary>
    /// The manifest the analyzer read, named in the diagnostic: found by name or by <c>Defender365Manifest</c> metadata,
    /// which only the analyzer can see, so the fix edits exactly that file.
    /// </summary>
    internal static TextDocument? FindManifest(Project project, Diagnostic diagnostic) =>
        diagnostic.Properties.TryGetValue(UndeclaredPermissionAnalyzer.ManifestPathProperty, out var path) && path is not null
            ? project.AdditionalDocuments.FirstOrDefault(d => string.Equals(d.FilePath, path, System.StringComparison.Ordinal))
            : null;

    /// <summary>Adds every permission (once) to the manifest in one edit of the document.</summary>
    internal static async Task<Solution> ApplyAsync(Solution solution, DocumentId manifestId, IEnumerable<(string Resource, string Name)> permissions, CancellationToken cancellationToken)
    {
        var document = solution.GetAdditionalDocument(manifestId)!;
        var text = await document.GetTextAsync(cancellationToken).ConfigureAwait(false);
        foreach (var (resource, name) in permissions.Distinct())
        {
            text = ManifestEditor.AddApplicationPermission(text, resource, name) ?? text;
        }

        return solution.WithAdditionalDocumentText(manifestId, text);
    }

    /// <summary>Fix All: every DEF2001 of the scope, one manifest edit per project.</summary>
    private sealed class ManifestFixAllProvider : FixAllProvider
    {
        public static readonly ManifestFixAllProvider Instance = new();

        public override async Task<CodeAction?> GetFixAsync(FixAllContext fixAllContext)
        {
            var projects = fixAllContext.Scope == FixAllScope.Solution ? fixAllContext.Solution.Projects : new[] { fixAllContext.Project };
            var work = new List<(ProjectId Project, DocumentId Manifest, List<(string, string)> Permissions)>();
            foreach (var project in projects)
            {
                var diagnostics = fixAllContext.Scope == FixAllScope.Document && fixAllContext.Document is { } document
                    ? await fixAllContext.GetDocumentDiagnosticsAsync(document).ConfigureAwait(false)
                    : await fixAllContext.GetAllDiagnosticsAsync(project).ConfigureAwait(false);
                if (diagnostics.IsEmpty || FindManifest(project, diagnostics[0]) is not { } manifest)
                {
                    continue;
                }

                var permissions = diagnostics.Select(Read).Where(p => p is not null).Select(p => p!.Value).ToList();
                if (permissions.Count > 0)
                {
                    work.Add((project.Id, manifest.Id, permissions));
                }
            }

            if (work.Count == 0)
            {
                return null;
            }

            return CodeAction.Create(
                $"Declare the missing permissions in {ManifestParser.FileName}",
                async ct =>
                {
                    var solution = fixAllContext.Solution;
                    foreach (var (_, manifest, permissions) in work)
                    {
                        solution = await ApplyAsync(solution, manifest, permissions, ct).ConfigureAwait(false);
                    }

                    return solution;
                },
                equivalenceKey: nameof(AddPermissionToManifestCodeFixProvider));
        }
    }
}
