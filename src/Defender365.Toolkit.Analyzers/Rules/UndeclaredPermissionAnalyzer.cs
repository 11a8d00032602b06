using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Defender365.Toolkit.Analyzers.Catalog;
using Defender365.Toolkit.Analyzers.Diagnostics;
using Defender365.Toolkit.Analyzers.Manifest;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Defender365.Toolkit.Analyzers.Rules;

/// <summary>
/// DEF2001: a call (or method group) whose target carries <c>[RequiresDefenderPermission]</c> needs a permission the
/// scope manifest does not declare for that resource. A declared ReadWrite permission covers a required Read one.
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

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rule);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            var attribute = start.Compilation.GetTypeByMetadataName("Defender365.Toolkit.Authorization.RequiresDefenderPermissionAttribute");
            if (attribute is null || ManifestFiles.Find(start.Options, start.CancellationToken) is not { } manifest)
            {
                return;
            }

            var analysis = new CompilationAnalysis(attribute, manifest);
            start.RegisterOperationAction(analysis.AnalyzeInvocation, OperationKind.Invocation);
            start.RegisterOperationAction(analysis.AnalyzeMethodReference, OperationKind.MethodReference);
        });
    }

    private sealed class CompilationAnalysis
    {
        private static readonly Requirement[] None = System.Array.Empty<Requirement>();
        private readonly INamedTypeSymbol _attribute;
        private readonly ScopeManifestSpec _manifest;
        private readonly ConcurrentDictionary<IMethodSymbol, Requirement[]> _requirements = new(SymbolEqualityComparer.Default);

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
            foreach (var requirement in _requirements.GetOrAdd(method.OriginalDefinition, Read))
            {
                if (!IsDeclared(requirement))
                {
                    var properties = ImmutableDictionary<string, string?>.Empty
                        .Add(ResourceDisplayNameProperty, requirement.Resource.DisplayName)
                        .Add(PermissionProperty, requirement.AnyOf[0]);
                    context.ReportDiagnostic(Diagnostic.Create(Rule, location, properties, requirement.Operation ?? method.Name, requirement.AnyOf[0], requirement.Resource.DisplayName));
                }
            }
        }

        private bool IsDeclared(Requirement requirement)
        {
            var grant = _manifest.Resources.FirstOrDefault(r => r.ResourceId == requirement.Resource.Id);
            if (grant is null)
            {
                return false;
            }

            return requirement.AnyOf.Any(required => grant.Application.Contains(required)
                || requirement.Resource.Implications.Any(i => !i.Delegated && i.Implies == required && grant.Application.Contains(i.Permission)));
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
                (found ??= new List<Requirement>()).Add(new Requirement(resource, anyOf, operation));
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

    private sealed class Requirement
    {
        public Requirement(CatalogResource resource, string[] anyOf, string? operation)
        {
            Resource = resource;
            AnyOf = anyOf;
            Operation = operation;
        }

        public CatalogResource Resource { get; }

        public string[] AnyOf { get; }

        public string? Operation { get; }
    }
}
