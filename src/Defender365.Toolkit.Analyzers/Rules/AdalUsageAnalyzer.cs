using System.Collections.Immutable;
using Defender365.Toolkit.Analyzers.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Defender365.Toolkit.Analyzers.Rules;

/// <summary>
/// DEF4002: the retired ADAL library (<c>Microsoft.IdentityModel.Clients.ActiveDirectory</c>) is used to get tokens. Reported
/// where an ADAL type is created or an ADAL method is called; nothing is done in projects that do not reference ADAL.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class AdalUsageAnalyzer : DiagnosticAnalyzer
{
    private const string AdalNamespace = "Microsoft.IdentityModel.Clients.ActiveDirectory";

    /// <summary>DEF4002. Format: "{0} is from ADAL, which no longer receives fixes: use MSAL (DefenderAppCredential)".</summary>
    internal static readonly DiagnosticDescriptor Rule = new(
        RuleIdentifiers.AdalInUse,
        title: "ADAL in use: migrate to MSAL",
        messageFormat: "{0} is from ADAL, which no longer receives fixes: use MSAL (DefenderAppCredential)",
        RuleCategories.Usage,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "ADAL (Microsoft.IdentityModel.Clients.ActiveDirectory) reached end of support; it gets no security fixes and no new Entra ID features. DefenderAppCredential acquires the same app-only tokens with MSAL, per tenant.",
        helpLinkUri: RuleIdentifiers.GetHelpUri(RuleIdentifiers.AdalInUse));

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rule);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            // The entry type of ADAL; without it the project cannot use ADAL and the rule registers nothing.
            if (start.Compilation.GetTypeByMetadataName(AdalNamespace + ".AuthenticationContext") is null)
            {
                return;
            }

            start.RegisterOperationAction(
                static context =>
                {
                    var type = ((IObjectCreationOperation)context.Operation).Type;
                    if (IsAdal(type))
                    {
                        context.ReportDiagnostic(Diagnostic.Create(Rule, context.Operation.Syntax.GetLocation(), type!.Name));
                    }
                },
                OperationKind.ObjectCreation);
            start.RegisterOperationAction(
                static context =>
                {
                    var method = ((IInvocationOperation)context.Operation).TargetMethod;
                    if (IsAdal(method.ContainingType))
                    {
                        context.ReportDiagnostic(Diagnostic.Create(Rule, context.Operation.Syntax.GetLocation(), $"{method.ContainingType.Name}.{method.Name}"));
                    }
                },
                OperationKind.Invocation);
        });
    }

    private static bool IsAdal(ITypeSymbol? type) => type?.ContainingNamespace?.ToDisplayString() == AdalNamespace;
}
