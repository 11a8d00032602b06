using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Defender365.Toolkit.Analyzers.Catalog;
using Defender365.Toolkit.Analyzers.Diagnostics;
using Defender365.Toolkit.Analyzers.Manifest;
using Defender365.Toolkit.Analyzers.Symbols;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Defender365.Toolkit.Analyzers.Rules;

/// <summary>
/// DEF5001: a call to an operation the catalog records as retiring (or retired), with the date, the replacement and the
/// permission the replacement needs. DEF5002 (off by default): a call to an operation that is only at risk. Both read the
/// lifecycle from the catalog (dates are data: Microsoft moves them) and never the clock, so a build stays reproducible.
/// </summary>
/// <remarks>
/// Calls are found as DEF2001 finds them: generated methods by their <c>[RequiresDefenderPermission(Operation = …)]</c>
/// (only methods named as the generator names them are bound: the others are passed over by name), hand-written
/// <c>HttpClient</c> calls by their URL through the catalog's path templates. Unlike DEF2001 it works without a
/// scope manifest (a retiring call is worth knowing about in any project); the manifest's path, when there is one, goes
/// to the code fix. Per callback: a name or URL test on syntax; binding and one cached lookup only for candidates.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class RetiringOperationAnalyzer : DiagnosticAnalyzer
{
    /// <summary>The catalog id of the operation called.</summary>
    public const string OperationProperty = "Operation";

    /// <summary>The catalog id of the operation that replaces it (absent when there is none).</summary>
    public const string ReplacementProperty = "Replacement";

    /// <summary>The manifest the code fix edits, when the project has one.</summary>
    public const string ManifestPathProperty = UndeclaredPermissionAnalyzer.ManifestPathProperty;

    /// <summary>The resource of the replacement, as the manifest names it.</summary>
    public const string ResourceDisplayNameProperty = UndeclaredPermissionAnalyzer.ResourceDisplayNameProperty;

    /// <summary>The least-privileged permission the replacement needs.</summary>
    public const string PermissionProperty = UndeclaredPermissionAnalyzer.PermissionProperty;

    /// <summary>DEF5001. Format: "{0} {1}; {2}" (operation, "stops working on 2027-02-01", advice).</summary>
    internal static readonly DiagnosticDescriptor Rule = new(
        RuleIdentifiers.RetiringOperation,
        title: "Call to an operation Microsoft is retiring",
        messageFormat: "{0} {1}; {2}",
        RuleCategories.Lifecycle,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "The catalog records a date after which this operation stops working (or has stopped). Move to the replacement it names, and declare the permission the replacement needs. The date comes from the catalog, not the clock, so the same code gives the same build every day.",
        helpLinkUri: RuleIdentifiers.GetHelpUri(RuleIdentifiers.RetiringOperation));

    /// <summary>DEF5002. Format: "{0} {1}; {2}".</summary>
    internal static readonly DiagnosticDescriptor AtRiskRule = new(
        RuleIdentifiers.AtRiskOperation,
        title: "Call to an operation at risk of retirement",
        messageFormat: "{0} {1}; {2}",
        RuleCategories.Lifecycle,
        DiagnosticSeverity.Info,
        isEnabledByDefault: false,
        description: "An announcement's wording may cover this operation, but no date is set and its own page says nothing. Off by default: turn it on to plan a migration.",
        helpLinkUri: RuleIdentifiers.GetHelpUri(RuleIdentifiers.AtRiskOperation));

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rule, AtRiskRule);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            var attribute = start.Compilation.GetBestType("Defender365.Toolkit.Authorization.RequiresDefenderPermissionAttribute");
            var httpClient = start.Compilation.GetBestType("System.Net.Http.HttpClient");
            if (attribute is null && httpClient is null)
            {
                return;
            }

            // DEF5002 is off unless a setting turns it on: then the ~120 at-risk operations need no binding at all.
            var atRisk = RuleSettings.IsEnabled(start.Compilation, AtRiskRule, start.CancellationToken);
            var analysis = new CompilationAnalysis(attribute, httpClient, ManifestFiles.Find(start.Options, start.CancellationToken)?.Path, atRisk);
            if (attribute is not null)
            {
                // Syntax first: a member access whose name is not a generated method of an operation with a lifecycle
                // is passed over without binding (calls and method groups alike: both are member accesses).
                start.RegisterSyntaxNodeAction(analysis.AnalyzeMemberAccess, SyntaxKind.SimpleMemberAccessExpression, SyntaxKind.MemberBindingExpression);
            }

            if (httpClient is not null)
            {
                start.RegisterSyntaxNodeAction(analysis.AnalyzeRawUrl, SyntaxKind.StringLiteralExpression, SyntaxKind.InterpolatedStringExpression);
            }
        });
    }

    /// <summary>The diagnostic for a call to <paramref name="operation"/>, or null when it has no lifecycle.</summary>
    internal static Diagnostic? Create(CatalogOperation operation, Location location, string? manifestPath)
    {
        if (operation.Lifecycle is not { } lifecycle)
        {
            return null;
        }

        var properties = ImmutableDictionary<string, string?>.Empty.Add(OperationProperty, operation.Id);
        if (LifecycleText.Replacement(lifecycle) is { } replacement)
        {
            properties = properties
                .Add(ReplacementProperty, replacement.Id)
                .Add(ResourceDisplayNameProperty, ApiCatalog.Instance.GetResource(replacement.Resource).DisplayName)
                .Add(PermissionProperty, replacement.ApplicationPermissions[0]);
        }

        if (manifestPath is not null)
        {
            properties = properties.Add(ManifestPathProperty, manifestPath);
        }

        var rule = lifecycle.Status == LifecycleStatus.AtRisk ? AtRiskRule : Rule;
        return Diagnostic.Create(rule, location, properties, operation.Id, LifecycleText.State(lifecycle), LifecycleText.Advice(lifecycle));
    }

    private sealed class CompilationAnalysis
    {
        // The generated method names of operations with a lifecycle (with DEF5002 off, only retiring and retired ones):
        // every other member access is passed over by name, without binding, so a project that makes no such call pays
        // one set lookup per member access.
        private static readonly HashSet<string> RetiringNames = Names(o => o.Lifecycle is { Status: not LifecycleStatus.AtRisk });
        private static readonly HashSet<string> AllNames = Names(o => o.Lifecycle is not null);

        private readonly HashSet<string> _candidateNames;
        private readonly bool _atRisk;

        private readonly INamedTypeSymbol? _attribute;
        private readonly INamedTypeSymbol? _httpClient;
        private readonly string? _manifestPath;

        // Target method → the operation it calls, if that operation has a lifecycle.
        private readonly ConcurrentDictionary<IMethodSymbol, CatalogOperation?> _byMethod = new(SymbolEqualityComparer.Default);

        // "METHOD url-pattern" → the operation it calls, if that operation has a lifecycle.
        private readonly ConcurrentDictionary<string, CatalogOperation?> _byUrl = new();

        public CompilationAnalysis(INamedTypeSymbol? attribute, INamedTypeSymbol? httpClient, string? manifestPath, bool atRisk)
        {
            _attribute = attribute;
            _httpClient = httpClient;
            _manifestPath = manifestPath;
            _atRisk = atRisk;
            _candidateNames = atRisk ? AllNames : RetiringNames;
        }

        private static HashSet<string> Names(System.Func<CatalogOperation, bool> which) =>
            new(ApiCatalog.Instance.Operations.Where(which).Select(o => o.Name + "Async"), System.StringComparer.Ordinal);

        // An operation whose calls are reported here: retiring or retired, or at risk while DEF5002 is on.
        private CatalogOperation? Reported(CatalogOperation? operation) =>
            operation?.Lifecycle is { } lifecycle && (_atRisk || lifecycle.Status != LifecycleStatus.AtRisk) ? operation : null;

        public void AnalyzeMemberAccess(SyntaxNodeAnalysisContext context)
        {
            var name = context.Node switch
            {
                MemberAccessExpressionSyntax member => member.Name,
                MemberBindingExpressionSyntax binding => binding.Name,
                _ => null,
            };
            if (name is null || !_candidateNames.Contains(name.Identifier.ValueText)
                || context.SemanticModel.GetSymbolInfo(context.Node, context.CancellationToken).Symbol is not IMethodSymbol method
                || _byMethod.GetOrAdd(method.OriginalDefinition, Read) is not { } operation
                || Create(operation, name.GetLocation(), _manifestPath) is not { } diagnostic)
            {
                return;
            }

            context.ReportDiagnostic(diagnostic);
        }

        public void AnalyzeRawUrl(SyntaxNodeAnalysisContext context)
        {
            if (RawHttpCalls.Read(context.SemanticModel, (ExpressionSyntax)context.Node, _httpClient!, context.CancellationToken) is not { } call)
            {
                return;
            }

            var operation = _byUrl.GetOrAdd(
                call.Method + " " + call.Url,
                _ => Reported(OperationMatcher.Instance.Match(call.Method, call.Url)?.Operation));
            if (operation is not null && Create(operation, context.Node.GetLocation(), _manifestPath) is { } diagnostic)
            {
                context.ReportDiagnostic(diagnostic);
            }
        }

        private CatalogOperation? Read(IMethodSymbol method)
        {
            foreach (var data in method.GetAttributes())
            {
                if (SymbolEqualityComparer.Default.Equals(data.AttributeClass, _attribute)
                    && data.NamedArguments.FirstOrDefault(a => a.Key == "Operation").Value.Value is string id)
                {
                    return Reported(ApiCatalog.Instance.FindOperation(id));
                }
            }

            return null;
        }
    }
}
