using System;
using System.Collections.Immutable;
using Defender365.Toolkit.Analyzers.Diagnostics;
using Defender365.Toolkit.Analyzers.Secrets;
using Defender365.Toolkit.Analyzers.Symbols;
using Defender365.Toolkit.Analyzers.Syntax;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Defender365.Toolkit.Analyzers.Rules;

/// <summary>
/// DEF4001: an access token or secret passed to <c>Console</c>, <c>Debug</c>/<c>Trace</c>, an <c>ILogger</c> or a file
/// write — directly, inside an interpolated string or a concatenation. A value counts as sensitive when it is
/// <c>AccessToken.Token</c>, MSAL's <c>AuthenticationResult.AccessToken</c>, or a string variable, field, property or
/// parameter whose name says it holds a secret, as DEF3001 decides it (<see cref="SecretNames"/>, with the same
/// <c>DEF3001.secret_names</c>/<c>excluded_names</c> options): <c>clientSecret</c>, <c>accessToken</c>, <c>apiKey</c>,
/// <c>refreshToken</c>, <c>idToken</c>, <c>authorizationCode</c> count, and so does the <c>Code</c> of an OAuth or
/// OpenID Connect message; <c>tokenType</c>, <c>secretName</c>, <c>nextPageToken</c>, cancellation tokens, and constants
/// whose value is no secret (<see cref="NonSecrets"/>: a claim type, an endpoint path) do not.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SecretWrittenToLogAnalyzer : DiagnosticAnalyzer
{
    /// <summary>DEF4001. Format: "'{0}' is written to {1}: anyone who reads it can call the APIs as the app".</summary>
    internal static readonly DiagnosticDescriptor Rule = new(
        RuleIdentifiers.SecretWrittenToLog,
        title: "Access token or secret written to a log, console or file",
        messageFormat: "'{0}' is written to {1}: anyone who reads it can call the APIs as the app",
        RuleCategories.Security,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "Logs, consoles and files are read by more people and systems than the app's secrets should be. Log the token's claims (AccessTokenClaims) or its expiry instead.",
        helpLinkUri: RuleIdentifiers.GetHelpUri(RuleIdentifiers.SecretWrittenToLog));

    // Beginnings of the sink methods' names (Console.Write…, Log…, Trace…, File.AppendAll…, Debug.Print).
    private static readonly string[] SinkWords = ["Write", "Log", "Trace", "AppendAll", "Print"];

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rule);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterSemanticModelAction(AnalyzeFile);
    }

    // Once per file: only calls whose name holds a sink word are looked at (found by searching the text).
    private static void AnalyzeFile(SemanticModelAnalysisContext context)
    {
        var tree = context.SemanticModel.SyntaxTree;
        var root = tree.GetRoot(context.CancellationToken);
        var text = tree.GetText(context.CancellationToken).ToString();
        var options = SecretRuleOptions.From(context.Options.AnalyzerConfigOptionsProvider.GetOptions(tree));
        foreach (var (name, arguments) in SourceScan.CallsNamedWith(root, text, SinkWords, StringComparison.Ordinal, context.FilterSpan))
        {
            if (arguments.Parent is InvocationExpressionSyntax invocation)
            {
                AnalyzeInvocation(context, invocation, name.ValueText, options);
            }
        }
    }

    // Syntax first: the called name must look like a sink and an argument must mention a sensitive name before the
    // semantic model is asked anything (most calls in a project are neither).
    private static void AnalyzeInvocation(SemanticModelAnalysisContext context, InvocationExpressionSyntax syntax, string name, SecretRuleOptions options)
    {
        if (!(name.StartsWith("Write", StringComparison.Ordinal) || name.StartsWith("Log", StringComparison.Ordinal)
              || name.StartsWith("Trace", StringComparison.Ordinal) || name.StartsWith("AppendAll", StringComparison.Ordinal) || name == "Print")
            || !MentionsSensitiveName(syntax.ArgumentList, options)
            || context.SemanticModel.GetOperation(syntax, context.CancellationToken) is not IInvocationOperation invocation
            || SinkName(invocation.TargetMethod) is not { } sink)
        {
            return;
        }

        foreach (var argument in invocation.Arguments)
        {
            if (FindSensitive(argument.Value, options) is { } sensitive)
            {
                context.ReportDiagnostic(Diagnostic.Create(Rule, sensitive.Syntax.GetLocation(), sensitive.Syntax.ToString(), sink));
            }
        }
    }

    private static bool MentionsSensitiveName(ArgumentListSyntax arguments, SecretRuleOptions options)
    {
        foreach (var node in arguments.DescendantNodes())
        {
            if (node is IdentifierNameSyntax identifier)
            {
                var text = identifier.Identifier.ValueText;
                if (text is "Token" or "AccessToken" or "Code" || SecretNames.IsSecretName(text, options))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>The kind of sink a method is, or null: only the type's full name and the method name are compared.</summary>
    private static string? SinkName(IMethodSymbol method)
    {
        var type = method.ContainingType?.ToDisplayString();
        return type switch
        {
            "System.Console" when method.Name.StartsWith("Write", StringComparison.Ordinal) => "the console",
            "System.Diagnostics.Debug" or "System.Diagnostics.Trace" when method.Name.StartsWith("Write", StringComparison.Ordinal) || method.Name.StartsWith("Trace", StringComparison.Ordinal) || method.Name == "Print" => "the debug trace",
            "System.IO.File" when method.Name.StartsWith("WriteAll", StringComparison.Ordinal) || method.Name.StartsWith("AppendAll", StringComparison.Ordinal) => "a file",
            "Microsoft.Extensions.Logging.LoggerExtensions" or "Microsoft.Extensions.Logging.ILogger" when method.Name.StartsWith("Log", StringComparison.Ordinal) => "a log",
            _ => null,
        };
    }

    private static IOperation? FindSensitive(IOperation value, SecretRuleOptions options)
    {
        switch (value)
        {
            case IConversionOperation conversion:
                return FindSensitive(conversion.Operand, options);
            case IArrayCreationOperation { Initializer: { } initializer }:
                foreach (var element in initializer.ElementValues)
                {
                    if (FindSensitive(element, options) is { } found)
                    {
                        return found;
                    }
                }

                return null;
            case IInterpolatedStringOperation interpolated:
                foreach (var part in interpolated.Parts)
                {
                    if (part is IInterpolationOperation { Expression: { } expression } && FindSensitive(expression, options) is { } found)
                    {
                        return found;
                    }
                }

                return null;
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Add } binary:
                return FindSensitive(binary.LeftOperand, options) ?? FindSensitive(binary.RightOperand, options);
            default:
                return IsSensitive(value, options) ? value : null;
        }
    }

    private static bool IsSensitive(IOperation value, SecretRuleOptions options)
    {
        if (value is IPropertyReferenceOperation { Property: { } property }
            && ((property.Name == "Token" && property.ContainingType.ToDisplayString() == "Azure.Core.AccessToken")
                || (property.Name == "AccessToken" && property.ContainingType.ToDisplayString() == "Microsoft.Identity.Client.AuthenticationResult")))
        {
            return true;
        }

        if (value.Type?.SpecialType != SpecialType.System_String)
        {
            return false;
        }

        // A constant whose value is no secret (a claim type, an endpoint path, a grant name) is not one when written out.
        if (value.ConstantValue is { HasValue: true, Value: var constant } && (constant is not string text || !SecretValues.IsPlausibleSecret(text, options)))
        {
            return false;
        }

        // An OAuth authorization code (OpenIdConnectMessage.Code, a token response's Code) redeems for tokens.
        if (value is IPropertyReferenceOperation { Property: { Name: "Code" } code } && IsAuthorizationMessage(code.ContainingType))
        {
            return true;
        }

        // A parameter its documentation calls a name ("The name of the Key Vault secret"): the secret's name, not it.
        if (value is IParameterReferenceOperation { Parameter: var documented } && ParameterDocumentation.SaysItIsAName(documented))
        {
            return false;
        }

        var name = value switch
        {
            ILocalReferenceOperation local => local.Local.Name,
            IParameterReferenceOperation parameter => parameter.Parameter.Name,
            IFieldReferenceOperation field => field.Field.Name,
            IPropertyReferenceOperation reference => reference.Property.Name,
            _ => null,
        };
        return name is not null && SecretNames.IsSecretName(name, options);
    }

    private static bool IsAuthorizationMessage(INamedTypeSymbol? type)
    {
        var name = type?.Name ?? string.Empty;
        return name.IndexOf("OpenIdConnect", StringComparison.Ordinal) >= 0
            || name.IndexOf("OAuth", StringComparison.OrdinalIgnoreCase) >= 0
            || name.IndexOf("Authorization", StringComparison.Ordinal) >= 0
            || name.IndexOf("Token", StringComparison.Ordinal) >= 0;
    }
}
