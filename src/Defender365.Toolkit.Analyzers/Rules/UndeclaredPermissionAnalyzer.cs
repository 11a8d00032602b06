using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Defender365.Toolkit.Analyzers.Catalog;
using Defender365.Toolkit.Analyzers.Diagnostics;
using Defender365.Toolkit.Analyzers.Json;
using Defender365.Toolkit.Analyzers.Manifest;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;

namespace Defender365.Toolkit.Analyzers.Rules;

/// <summary>
/// DEF2001: a call (or method group) whose target carries <c>[RequiresDefenderPermission]</c> needs a permission the
/// scope manifest does not declare for that resource. A declared ReadWrite permission covers a required Read one.
/// DEF2002 (same walk, at compilation end): a declared permission that no call needs, located in the manifest.
/// </summary>
/// <remarks>
/// Does nothing in a project without the attribute type or without a valid manifest (the generator reports manifest
/// problems). Per callback: one lookup of the target method in a per-compilation cache.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UndeclaredPermissionAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Property names the code fix reads.</summary>
    public const string ResourceDisplayNameProperty = "ResourceDisplayName";

    /// <summary>The permission the code fix adds.</summary>
    public const string PermissionProperty = "Permission";

    /// <summary>DEF2001. Format: "{0} needs {1} on {2}, which defender-scopes.json does not declare".</summary>
    internal static readonly DiagnosticDescriptor Rule = new(
        RuleIdentifiers.UndeclaredPermission,
        title: "Call needs a permission the scope manifest does not declare",
        messageFormat: "{0} needs {1} on {2}, which defender-scopes.json does not declare",
        RuleCategories.Security,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "The app's token will not carry a permission this call needs, so it would fail with 403 at run time. Declare the least-privileged permission in defender-scopes.json (and request it on the app registration), or do not make the call.",
        helpLinkUri: RuleIdentifiers.GetHelpUri(RuleIdentifiers.UndeclaredPermission));

    /// <summary>DEF2002. Format: "{0} is declared for {1} but no call in the project needs it".</summary>
    internal static readonly DiagnosticDescriptor UnneededRule = new(
        RuleIdentifiers.UnneededPermission,
        title: "Declared permission that no call in the project needs",
        messageFormat: "{0} is declared for {1} but no call in the project needs it",
        RuleCategories.Security,
        DiagnosticSeverity.Info,
        isEnabledByDefault: true,
        description: "Least privilege: every permission the app holds is access a stolen token gives away. A permission is needed when it is the least-privileged declared permission that allows some call. Not reported while the project makes no checked call at all.",
        helpLinkUri: RuleIdentifiers.GetHelpUri(RuleIdentifiers.UnneededPermission),
        customTags: WellKnownDiagnosticTags.CompilationEnd);

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rule, UnneededRule);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            var attribute = start.Compilation.GetTypeByMetadataName("Defender365.Toolkit.Authorization.RequiresDefenderPermissionAttribute");
            if (attribute is null || ManifestFiles.FindFile(start.Options, start.CancellationToken) is not { } manifest)
            {
                return;
            }

            var analysis = new CompilationAnalysis(attribute, manifest.Spec);
            start.RegisterOperationAction(analysis.AnalyzeInvocation, OperationKind.Invocation);
            start.RegisterOperationAction(analysis.AnalyzeMethodReference, OperationKind.MethodReference);
            start.RegisterCompilationEndAction(end => analysis.ReportUnneeded(end, manifest.Path, manifest.Text));
        });
    }

    private sealed class CompilationAnalysis
    {
        private static readonly Requirement[] None = System.Array.Empty<Requirement>();
        private readonly INamedTypeSymbol _attribute;
        private readonly ScopeManifestSpec _manifest;
        private readonly ConcurrentDictionary<IMethodSymbol, Requirement[]> _requirements = new(SymbolEqualityComparer.Default);

        // (resource id, permission) that some call needs, for DEF2002; written only when a checked call is seen.
        private readonly ConcurrentDictionary<(string Resource, string Permission), bool> _needed = new();
        private int _checkedCalls;

        public CompilationAnalysis(INamedTypeSymbol attribute, ScopeManifestSpec manifest)
        {
            _attribute = attribute;
            _manifest = manifest;
        }

        public void AnalyzeInvocation(OperationAnalysisContext context)
        {
            var invocation = (IInvocationOperation)context.Operation;
            Check(context, invocation.TargetMethod, NameLocation(invocation.Syntax));
        }

        public void AnalyzeMethodReference(OperationAnalysisContext context)
        {
            var reference = (IMethodReferenceOperation)context.Operation;
            Check(context, reference.Method, NameLocation(reference.Syntax));
        }

        private void Check(OperationAnalysisContext context, IMethodSymbol method, Location location)
        {
            // Everything about a method (its requirements and what satisfies them) is computed once per compilation.
            foreach (var requirement in _requirements.GetOrAdd(method.OriginalDefinition, Read))
            {
                Interlocked.Increment(ref _checkedCalls);
                if (requirement.SatisfiedBy is { } satisfiedBy)
                {
                    _needed.TryAdd((requirement.Resource.Id, satisfiedBy), true);
                    continue;
                }

                var properties = ImmutableDictionary<string, string?>.Empty
                    .Add(ResourceDisplayNameProperty, requirement.Resource.DisplayName)
                    .Add(PermissionProperty, requirement.AnyOf[0]);
                context.ReportDiagnostic(Diagnostic.Create(Rule, location, properties, requirement.Operation ?? method.Name, requirement.AnyOf[0], requirement.Resource.DisplayName));
            }
        }

        /// <summary>DEF2002 at each declared application permission no checked call needs; silent while there is no call.</summary>
        public void ReportUnneeded(CompilationAnalysisContext context, string path, SourceText text)
        {
            if (Volatile.Read(ref _checkedCalls) == 0
                || JsonReader.Read(text.ToString()).Root is not JsonObject root
                || root["permissions"] is not JsonObject permissions)
            {
                return;
            }

            foreach (var entry in permissions.Properties)
            {
                var resource = ApiCatalog.Instance.FindResourceByDisplayName(entry.Name);
                if (resource is null || (entry.Value as JsonObject)?["application"] is not JsonArray application)
                {
                    continue;
                }

                foreach (var item in application.Items.OfType<JsonString>())
                {
                    if (resource.ApplicationPermissions.Contains(item.Value) && !_needed.ContainsKey((resource.Id, item.Value)))
                    {
                        var location = Location.Create(path, item.Span, text.Lines.GetLinePositionSpan(item.Span));
                        context.ReportDiagnostic(Diagnostic.Create(UnneededRule, location, item.Value, resource.DisplayName));
                    }
                }
            }
        }

        private Requirement[] Read(IMethodSymbol method)
        {
            List<Requirement>? found = null;
            foreach (var data in method.GetAttributes())
            {
                if (!SymbolEqualityComparer.Default.Equals(data.AttributeClass, _attribute)
                    || data.ConstructorArguments.Length != 2
                    || data.ConstructorArguments[0].Value is not string resourceId
                    || ApiCatalog.Instance.Resources.FirstOrDefault(r => r.Id == resourceId) is not { } resource)
                {
                    continue;
                }

                var anyOf = data.ConstructorArguments[1].Values.Select(v => v.Value as string).Where(v => v is not null).Cast<string>().ToArray();
                if (anyOf.Length == 0)
                {
                    continue;
                }

                var operation = data.NamedArguments.FirstOrDefault(a => a.Key == "Operation").Value.Value as string;
                var grant = _manifest.Resources.FirstOrDefault(r => r.ResourceId == resource.Id);
                var satisfiedBy = grant is null ? null : resource.LeastPrivilegedSatisfier(anyOf, grant.Application, delegated: false);
                (found ??= new List<Requirement>()).Add(new Requirement(resource, anyOf, operation, satisfiedBy));
            }

            return found?.ToArray() ?? None;
        }

        /// <summary>The method name of a call (<c>client.[|ListIncidentsAsync|](…)</c>), where the squiggle belongs.</summary>
        private static Location NameLocation(SyntaxNode syntax)
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

    /// <param name="Resource">The resource the method needs a permission on.</param>
    /// <param name="AnyOf">The accepted permissions, least privileged first.</param>
    /// <param name="Operation">The catalog operation, for the message.</param>
    /// <param name="SatisfiedBy">The declared permission that allows it with the least access, or null (DEF2001).</param>
    private sealed record Requirement(CatalogResource Resource, string[] AnyOf, string? Operation, string? SatisfiedBy);
}
