using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Defender365.Toolkit.Analyzers.Catalog;
using Defender365.Toolkit.Analyzers.Diagnostics;
using Defender365.Toolkit.Analyzers.Manifest;
using Defender365.Toolkit.Analyzers.Symbols;
using Defender365.Toolkit.Analyzers.Syntax;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Defender365.Toolkit.Analyzers.Rules;

/// <summary>
/// DEF2001: a call (or method group) whose target carries <c>[RequiresDefenderPermission]</c> needs a permission the
/// scope manifest does not declare for that resource. A declared ReadWrite permission covers a required Read one.
/// Raw calls too: a literal or interpolated URL of a Defender or Graph host passed to <c>HttpClient</c> or
/// <c>HttpRequestMessage</c> is mapped through the catalog's path templates (<see cref="OperationMatcher"/>).
/// DEF2002 (same walk, at compilation end): a declared permission that no call needs, located in the manifest.
/// </summary>
/// <remarks>
/// Does nothing in a project without a valid manifest (the generator reports manifest problems), or without either the
/// attribute type or HttpClient. Per callback: one lookup of the target method (or the URL pattern) in a per-compilation
/// cache; raw URLs are judged from syntax until one names a known host.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UndeclaredPermissionAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Property names the code fix reads.</summary>
    public const string ResourceDisplayNameProperty = "ResourceDisplayName";

    /// <summary>The permission the code fix adds.</summary>
    public const string PermissionProperty = "Permission";

    /// <summary>The path of the manifest the analyzer read (by name or by <c>Defender365Manifest</c> metadata): the file the code fix edits.</summary>
    public const string ManifestPathProperty = "ManifestPath";

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
            if (ManifestFiles.Find(start.Options, start.CancellationToken) is not { } manifest
                || !start.TryGetValue(manifest.Text, ManifestFiles.Documents, out var document)
                || document.Spec is not { } spec)
            {
                return;
            }

            var attribute = start.Compilation.GetBestType("Defender365.Toolkit.Authorization.RequiresDefenderPermissionAttribute");
            var httpClient = start.Compilation.GetBestType("System.Net.Http.HttpClient");
            if (attribute is null && httpClient is null)
            {
                return;
            }

            var analysis = new CompilationAnalysis(attribute, httpClient, spec, manifest.Path);
            if (attribute is not null)
            {
                start.RegisterOperationAction(analysis.AnalyzeInvocation, OperationKind.Invocation);
                start.RegisterOperationAction(analysis.AnalyzeMethodReference, OperationKind.MethodReference);
            }

            if (httpClient is not null)
            {
                start.RegisterSyntaxNodeAction(analysis.AnalyzeRawUrl, SyntaxKind.StringLiteralExpression, SyntaxKind.InterpolatedStringExpression);
            }

            start.RegisterCompilationEndAction(end => analysis.ReportUnneeded(end, manifest.Path, document));
        });
    }

    private sealed class CompilationAnalysis
    {
        private static readonly Requirement[] None = System.Array.Empty<Requirement>();
        private readonly INamedTypeSymbol? _attribute;
        private readonly INamedTypeSymbol? _httpClient;
        private readonly ScopeManifestSpec _manifest;
        private readonly ConcurrentDictionary<IMethodSymbol, Requirement[]> _requirements = new(SymbolEqualityComparer.Default);

        // "METHOD url-pattern" → the requirement of the operation it calls (null: no catalog operation).
        private readonly ConcurrentDictionary<string, Requirement?> _rawRequirements = new();

        // (resource id, permission) that some call needs, for DEF2002; written only when a checked call is seen.
        private readonly ConcurrentDictionary<(string Resource, string Permission), bool> _needed = new();
        private int _checkedCalls;

        private readonly string _manifestPath;

        public CompilationAnalysis(INamedTypeSymbol? attribute, INamedTypeSymbol? httpClient, ScopeManifestSpec manifest, string manifestPath)
        {
            _attribute = attribute;
            _httpClient = httpClient;
            _manifest = manifest;
            _manifestPath = manifestPath;
        }

        /// <summary>
        /// A literal or interpolated URL of a Defender or Graph host given to <c>HttpClient</c> or
        /// <c>HttpRequestMessage</c> (<see cref="RawHttpCalls"/>): mapped through the catalog's path templates to its
        /// operation and checked like a generated call.
        /// </summary>
        public void AnalyzeRawUrl(SyntaxNodeAnalysisContext context)
        {
            if (RawHttpCalls.Read(context.SemanticModel, (ExpressionSyntax)context.Node, _httpClient!, context.CancellationToken) is not { } call)
            {
                return;
            }

            var requirement = _rawRequirements.GetOrAdd(call.Method + " " + call.Url, _ => OperationMatcher.Instance.Match(call.Method, call.Url) is { } match
                ? Require(match.Resource, match.Operation.ApplicationPermissions, match.Operation.Name)
                : null);
            if (requirement is not null)
            {
                Count(context.ReportDiagnostic, requirement, context.Node.GetLocation(), requirement.Operation!);
            }
        }

        private Requirement Require(CatalogResource resource, IReadOnlyList<string> anyOf, string? operation)
        {
            var grant = _manifest.Resources.FirstOrDefault(r => r.ResourceId == resource.Id);
            var satisfiedBy = grant is null ? null : resource.LeastPrivilegedSatisfier(anyOf, grant.Application, delegated: false);
            return new Requirement(resource, anyOf.ToArray(), operation, satisfiedBy);
        }

        public void AnalyzeInvocation(OperationAnalysisContext context)
        {
            var invocation = (IInvocationOperation)context.Operation;
            Check(context, invocation.TargetMethod, CallSites.NameLocation(invocation.Syntax));
        }

        public void AnalyzeMethodReference(OperationAnalysisContext context)
        {
            var reference = (IMethodReferenceOperation)context.Operation;
            Check(context, reference.Method, CallSites.NameLocation(reference.Syntax));
        }

        private void Check(OperationAnalysisContext context, IMethodSymbol method, Location location)
        {
            // Everything about a method (its requirements and what satisfies them) is computed once per compilation.
            foreach (var requirement in _requirements.GetOrAdd(method.OriginalDefinition, Read))
            {
                Count(context.ReportDiagnostic, requirement, location, requirement.Operation ?? method.Name);
            }
        }

        /// <summary>Counts a checked call for DEF2002; reports DEF2001 when no declared permission allows it.</summary>
        private void Count(System.Action<Diagnostic> report, Requirement requirement, Location location, string operation)
        {
            Interlocked.Increment(ref _checkedCalls);
            if (requirement.SatisfiedBy is { } satisfiedBy)
            {
                _needed.TryAdd((requirement.Resource.Id, satisfiedBy), true);
                return;
            }

            var properties = ImmutableDictionary<string, string?>.Empty
                .Add(ResourceDisplayNameProperty, requirement.Resource.DisplayName)
                .Add(PermissionProperty, requirement.AnyOf[0])
                .Add(ManifestPathProperty, _manifestPath);
            report(Diagnostic.Create(Rule, location, properties, operation, requirement.AnyOf[0], requirement.Resource.DisplayName));
        }

        /// <summary>DEF2002 at each declared application permission no checked call needs; silent while there is no call.</summary>
        public void ReportUnneeded(CompilationAnalysisContext context, string path, ManifestDocument manifest)
        {
            if (Volatile.Read(ref _checkedCalls) == 0)
            {
                return;
            }

            foreach (var resource in manifest.Resources)
            {
                foreach (var permission in resource.Application)
                {
                    if (permission.IsKnown && !_needed.ContainsKey((resource.ResourceId, permission.Name)))
                    {
                        var location = Location.Create(path, permission.Span, manifest.Text.Lines.GetLinePositionSpan(permission.Span));
                        context.ReportDiagnostic(Diagnostic.Create(UnneededRule, location, permission.Name, resource.DisplayName));
                    }
                }
            }
        }

        private Requirement[] Read(IMethodSymbol method)
        {
            List<Requirement>? found = null;
            foreach (var data in method.GetAttributes())
            {
                if (_attribute is null || !SymbolEqualityComparer.Default.Equals(data.AttributeClass, _attribute)
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
                (found ??= new List<Requirement>()).Add(Require(resource, anyOf, operation));
            }

            return found?.ToArray() ?? None;
        }
    }

    /// <param name="Resource">The resource the method needs a permission on.</param>
    /// <param name="AnyOf">The accepted permissions, least privileged first.</param>
    /// <param name="Operation">The catalog operation, for the message.</param>
    /// <param name="SatisfiedBy">The declared permission that allows it with the least access, or null (DEF2001).</param>
    private sealed record Requirement(CatalogResource Resource, string[] AnyOf, string? Operation, string? SatisfiedBy);
}
