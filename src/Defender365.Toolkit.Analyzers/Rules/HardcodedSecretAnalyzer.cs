using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Text;
using Defender365.Toolkit.Analyzers.Diagnostics;
using Defender365.Toolkit.Analyzers.Secrets;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Defender365.Toolkit.Analyzers.Rules;

/// <summary>
/// DEF3001: a secret written into C#. Two ways to be one:
/// <list type="number">
/// <item>a string in a known secret format (Entra ID client secret, PEM private key, signed JWT, storage account key,
/// SAS signature, connection string or form body with a password/key/client_secret), wherever it stands;</item>
/// <item>a plausible secret value (<see cref="SecretValues"/>) flowing into a target whose name says secret
/// (<see cref="SecretNames"/>): a parameter such as MSAL's <c>WithClientSecret(clientSecret)</c>,
/// <c>ClientSecretCredential(…, clientSecret)</c> or <c>NetworkCredential(user, password)</c>, a field, property, local
/// or default value, a dictionary or configuration key (<c>["client_secret"]</c>, <c>Add("ClientSecret", …)</c>), a
/// comparison with such a variable, or a method or property that returns it.</item>
/// </list>
/// Strings are regular, verbatim, raw, UTF-8, constant interpolations or constant concatenations (taken whole), and
/// constants are followed to where they are used. The message never repeats the value.
/// </summary>
/// <remarks>
/// Per string literal: a length check, then a few ordinal scans for format markers, then a walk of at most a few
/// parents to the target. Options (<see cref="SecretRuleOptions"/>) are read once per syntax tree.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class HardcodedSecretAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Diagnostic property: "true" when the reported expression is the whole value and can be replaced.</summary>
    public const string FixableProperty = "Fixable";

    /// <summary>Diagnostic property: the environment variable / configuration name the code fix suggests.</summary>
    public const string VariableNameProperty = "VariableName";

    /// <summary>DEF3001. Format: "Hardcoded secret ({0}): read it from configuration, an environment variable or a key vault".</summary>
    internal static readonly DiagnosticDescriptor Rule = new(
        RuleIdentifiers.HardcodedSecret,
        title: "Hardcoded secret in code",
        messageFormat: "Hardcoded secret ({0}): read it from configuration, an environment variable or a key vault",
        RuleCategories.Security,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "A secret in source code is in every clone, build log, package and backup of the repository, and cannot be rotated without a release. Read it at run time from configuration (user-secrets in development), an environment variable, a key vault, or use a certificate.",
        helpLinkUri: RuleIdentifiers.GetHelpUri(RuleIdentifiers.HardcodedSecret));

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rule);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            var analysis = new CompilationAnalysis(start.Options.AnalyzerConfigOptionsProvider);
            start.RegisterOperationAction(analysis.AnalyzeLiteral, OperationKind.Literal);
            start.RegisterOperationAction(analysis.AnalyzeUtf8String, OperationKind.Utf8String);
            start.RegisterOperationAction(analysis.AnalyzeConstantComposite, OperationKind.Binary, OperationKind.InterpolatedString);
            start.RegisterOperationAction(analysis.AnalyzeConstantReference, OperationKind.FieldReference, OperationKind.LocalReference);
        });
    }

    private sealed class CompilationAnalysis(AnalyzerConfigOptionsProvider provider)
    {
        // Shortest string any check can match: a key=value secret needs 8 characters; names need the minimum length.
        private const int ShortestCandidate = 6;

        private readonly ConcurrentDictionary<SyntaxTree, SecretRuleOptions> _options = new();

        public void AnalyzeLiteral(OperationAnalysisContext context)
        {
            var literal = context.Operation;
            if (literal.ConstantValue is not { HasValue: true, Value: string value } || value.Length < ShortestCandidate)
            {
                return;
            }

            switch (literal.Parent)
            {
                // Part of a constant concatenation or constant interpolation: analysed whole, at the top.
                case IBinaryOperation binary when IsConstantString(binary):
                    return;
                case IInterpolatedStringTextOperation { Parent: IInterpolatedStringOperation whole } when IsConstantString(whole):
                    return;

                // Text of an interpolation with holes: only a known format can be judged, and the literal cannot be
                // replaced on its own.
                case IInterpolatedStringTextOperation:
                    ReportFormat(context, literal, value, fixable: false);
                    return;
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Add }:
                    ReportFormat(context, literal, value, fixable: false);
                    return;
            }

            Analyze(context, literal, value);
        }

        public void AnalyzeUtf8String(OperationAnalysisContext context)
        {
            var utf8 = (IUtf8StringOperation)context.Operation;
            if (utf8.Value.Length >= ShortestCandidate)
            {
                Analyze(context, utf8, utf8.Value);
            }
        }

        public void AnalyzeConstantComposite(OperationAnalysisContext context)
        {
            var operation = context.Operation;
            if (!IsConstantString(operation) || operation.Parent is IBinaryOperation parent && IsConstantString(parent))
            {
                return;
            }

            var value = (string)operation.ConstantValue.Value!;
            if (value.Length >= ShortestCandidate)
            {
                Analyze(context, operation, value);
            }
        }

        // A constant declared under a harmless name and used where a secret goes: reported where it is used.
        // A constant that is itself secret-named or in a secret format is reported at its declaration instead.
        public void AnalyzeConstantReference(OperationAnalysisContext context)
        {
            var (symbol, constant) = context.Operation switch
            {
                IFieldReferenceOperation { Field: { IsConst: true } field } => ((ISymbol)field, field.ConstantValue),
                ILocalReferenceOperation { Local: { IsConst: true } local } => (local, local.ConstantValue),
                _ => (null!, null),
            };
            if (constant is not string value || value.Length < ShortestCandidate)
            {
                return;
            }

            var options = OptionsFor(context.Operation.Syntax.SyntaxTree);
            if ((options.KnownFormats && SecretFormats.Find(value) is not null)
                || (SecretNames.IsSecretName(symbol.Name, options) && SecretValues.IsPlausibleSecret(value, options)))
            {
                return;
            }

            if (FindTarget(context.Operation, context.ContainingSymbol) is { } target
                && SecretNames.IsSecretName(target.Name, options)
                && SecretValues.IsPlausibleSecret(value, options))
            {
                Report(context, context.Operation, $"{target.Description}, through constant '{symbol.Name}'", VariableName(target.Name), fixable: false);
            }
        }

        private void Analyze(OperationAnalysisContext context, IOperation operation, string value)
        {
            var options = OptionsFor(operation.Syntax.SyntaxTree);
            if (options.KnownFormats && SecretFormats.Find(value) is { } match)
            {
                var named = FindTarget(operation, context.ContainingSymbol);
                Report(context, operation, match.Kind, named is null ? SecretFormats.VariableNameOf(match.Kind) : VariableName(named.Name), IsReplaceable(operation));
                return;
            }

            // Whitespace and length rule out most strings before any name is looked at.
            if (!SecretValues.IsPlausibleSecret(value, options))
            {
                return;
            }

            if (FindTarget(operation, context.ContainingSymbol) is { } target && SecretNames.IsSecretName(target.Name, options))
            {
                Report(context, operation, target.Description, VariableName(target.Name), IsReplaceable(operation));
            }
        }

        private void ReportFormat(OperationAnalysisContext context, IOperation operation, string value, bool fixable)
        {
            if (OptionsFor(operation.Syntax.SyntaxTree).KnownFormats && SecretFormats.Find(value) is { } match)
            {
                Report(context, operation, match.Kind, SecretFormats.VariableNameOf(match.Kind), fixable);
            }
        }

        private static void Report(OperationAnalysisContext context, IOperation operation, string what, string variableName, bool fixable)
        {
            var properties = ImmutableDictionary<string, string?>.Empty
                .Add(FixableProperty, fixable ? "true" : "false")
                .Add(VariableNameProperty, variableName);
            context.ReportDiagnostic(Diagnostic.Create(Rule, operation.Syntax.GetLocation(), properties, what));
        }

        private SecretRuleOptions OptionsFor(SyntaxTree tree) =>
            _options.GetOrAdd(tree, t => SecretRuleOptions.From(provider.GetOptions(t)));

        private static bool IsConstantString(IOperation operation) =>
            operation is IBinaryOperation { OperatorKind: BinaryOperatorKind.Add } or IInterpolatedStringOperation
            && operation.ConstantValue is { HasValue: true, Value: string };

        // Constant contexts (default parameter values, attribute arguments, case labels) cannot take a run-time lookup.
        private static bool IsReplaceable(IOperation operation)
        {
            for (var current = operation.Parent; current is not null; current = current.Parent)
            {
                switch (current)
                {
                    case IParameterInitializerOperation or ICaseClauseOperation or IPatternOperation:
                        return false;
                    case IBlockOperation or IFieldInitializerOperation or IPropertyInitializerOperation or IVariableDeclaratorOperation:
                        return true;
                }
            }

            return operation.Syntax.FirstAncestorOrSelf<Microsoft.CodeAnalysis.CSharp.Syntax.AttributeSyntax>() is null;
        }

        /// <summary>Where a value ends up: the name that decides whether it is a secret, and how to say it.</summary>
        private static Target? FindTarget(IOperation operation, ISymbol containingSymbol)
        {
            var current = operation;
            var parent = operation.Parent;

            // Through conversions, ?:, ??, switch arms and array initializers: `env ?? "fallback"` and
            // `Passwords = { "…" }` still put the literal in the target.
            while (parent is IConversionOperation or IConditionalOperation or ISwitchExpressionArmOperation or ISwitchExpressionOperation
                   or IArrayInitializerOperation or IArrayCreationOperation
                   || (parent is ICoalesceOperation coalesce && coalesce.WhenNull == current))
            {
                if (parent is IConditionalOperation conditional && conditional.Condition == current)
                {
                    return null;
                }

                current = parent;
                parent = parent.Parent;
            }

            switch (parent)
            {
                case IArgumentOperation { Parameter: { } parameter } argument:
                    return ArgumentTarget(argument, parameter);
                case ISimpleAssignmentOperation assignment when assignment.Value == current:
                    return NameOf(assignment.Target) is { } assigned ? new Target(assigned, $"assigned to '{assigned}'") : null;
                case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                    return new Target(declarator.Symbol.Name, $"assigned to '{declarator.Symbol.Name}'");
                case IFieldInitializerOperation { InitializedFields: [var field, ..] }:
                    return new Target(field.Name, $"assigned to '{field.Name}'");
                case IPropertyInitializerOperation { InitializedProperties: [var property, ..] }:
                    return new Target(property.Name, $"assigned to '{property.Name}'");
                case IParameterInitializerOperation { Parameter: var defaultOf }:
                    return new Target(defaultOf.Name, $"default value of '{defaultOf.Name}'");
                case IReturnOperation:
                    var member = containingSymbol is IMethodSymbol { AssociatedSymbol: { } associated } ? associated : containingSymbol;
                    return new Target(member.Name, $"returned by '{member.Name}'");
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } comparison:
                    var other = comparison.LeftOperand == current ? comparison.RightOperand : comparison.LeftOperand;
                    return NameOf(other) is { } compared ? new Target(compared, $"compared with '{compared}'") : null;
                default:
                    return null;
            }
        }

        private static Target ArgumentTarget(IArgumentOperation argument, IParameterSymbol parameter)
        {
            var method = parameter.ContainingSymbol as IMethodSymbol;

            // dictionary.Add("client_secret", value), { "ClientSecret", value }, new KeyValuePair<,>("Password", value),
            // headers.Add("X-Api-Key", value), SetEnvironmentVariable("CLIENT_SECRET", value): a constant first argument
            // names the value.
            if (parameter.Name == "value" && method is { Parameters.Length: 2 } && parameter.Ordinal == 1
                && argument.Parent is IInvocationOperation or IObjectCreationOperation)
            {
                var arguments = argument.Parent is IInvocationOperation invocation ? invocation.Arguments : ((IObjectCreationOperation)argument.Parent).Arguments;
                foreach (var sibling in arguments)
                {
                    if (sibling.Parameter?.Ordinal == 0 && sibling.Value.ConstantValue is { HasValue: true, Value: string key })
                    {
                        return new Target(key, $"stored under '{key}'");
                    }
                }
            }

            var callee = method is null ? "" : method.MethodKind == MethodKind.Constructor ? method.ContainingType.Name : method.Name;
            return new Target(parameter.Name, $"passed as '{parameter.Name}' to '{callee}'");
        }

        private static string? NameOf(IOperation operation) => operation switch
        {
            // config["Defender:ClientSecret"] = …, headers["api-key"] = …: the key is the name.
            IPropertyReferenceOperation { Property.IsIndexer: true, Arguments: [{ Value.ConstantValue: { HasValue: true, Value: string key } }] } => key,
            IPropertyReferenceOperation reference => reference.Property.Name,
            IFieldReferenceOperation field => field.Field.Name,
            ILocalReferenceOperation local => local.Local.Name,
            IParameterReferenceOperation parameter => parameter.Parameter.Name,
            IConversionOperation conversion => NameOf(conversion.Operand),
            _ => null,
        };

        /// <summary>UPPER_SNAKE of the target ("clientSecret" → CLIENT_SECRET; "Defender:ClientSecret" → DEFENDER__CLIENT_SECRET).</summary>
        private static string VariableName(string name)
        {
            var builder = new StringBuilder(name.Length + 8);
            for (var i = 0; i < name.Length; i++)
            {
                var c = name[i];
                if (c == ':')
                {
                    builder.Append("__");
                }
                else if (SecretFormats.IsAsciiLetterOrDigit(c))
                {
                    if (char.IsUpper(c) && i > 0 && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1])) && builder.Length > 0 && builder[builder.Length - 1] != '_')
                    {
                        builder.Append('_');
                    }

                    builder.Append(char.ToUpperInvariant(c));
                }
                else if (builder.Length > 0 && builder[builder.Length - 1] != '_')
                {
                    builder.Append('_');
                }
            }

            var result = builder.ToString().Trim('_');
            return result.Length == 0 || char.IsDigit(result[0]) ? "APP_SECRET" : result;
        }

        private sealed record Target(string Name, string Description);
    }
}
