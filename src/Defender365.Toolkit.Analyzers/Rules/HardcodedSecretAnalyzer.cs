using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Text;
using Defender365.Toolkit.Analyzers.Diagnostics;
using Defender365.Toolkit.Analyzers.Secrets;
using Defender365.Toolkit.Analyzers.Syntax;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Defender365.Toolkit.Analyzers.Rules;

/// <summary>
/// DEF3001 and DEF3003: a secret written into C#. The evidence decides the rule and so the default severity:
/// <list type="bullet">
/// <item><b>DEF3001 (error)</b>, on evidence: a string in a known secret format (Entra ID client secret, PEM private
/// key, signed JWT, storage account key, SAS signature, connection string, URI or form body with a password/key/client_secret,
/// HTTP Basic credentials, other vendors' tokens), wherever it stands; or a plausible secret value
/// (<see cref="SecretValues"/>) handed to a library's credential parameter or property — MSAL's
/// <c>WithClientSecret(clientSecret)</c>, <c>ClientSecretCredential(…, clientSecret)</c>,
/// <c>NetworkCredential(user, password)</c>, <c>AzureKeyCredential(key)</c> — whose contract says it is a secret.</item>
/// <item><b>DEF3003 (warning)</b>, on a name chosen in the project: a plausible secret value that also looks made to
/// be one (<see cref="SecretShape"/>) flowing into a target whose name says secret (<see cref="SecretNames"/>): a
/// field, property, local or default value, a parameter of the project's own method, a dictionary, header or
/// configuration key (<c>["client_secret"]</c>, <c>Add("ClientSecret", …)</c>), a comparison with such a variable,
/// or a method or property that returns it. A team sets its level on its own.</item>
/// </list>
/// Strings are regular, verbatim, raw, UTF-8, constant interpolations or constant concatenations (taken whole), and
/// constants are followed to the credential call that uses them. The message never repeats the value.
/// </summary>
/// <remarks>
/// Analyzers run on every keystroke, so this one runs once per file (not once per node: the driver's cost per callback
/// was most of the rule's cost) and finds its strings and credential calls by searching the text
/// (<see cref="SourceScan"/>). It is syntax-first: a string's text is judged before anything is asked of the semantic model, and nearly every string in real code (messages with spaces, names, URLs, ids, short words)
/// is dismissed there. The semantic model is asked only for the few survivors whose target is an argument (the
/// parameter's name) or that may fold to a constant. No operation trees are built. Options are read once per file.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class HardcodedSecretAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Diagnostic property: "true" when the reported expression is the whole value and can be replaced.</summary>
    public const string FixableProperty = "Fixable";

    /// <summary>Diagnostic property: the configuration key the code fix reads the secret from (<c>Defender:ClientSecret</c>, <c>ApiKey</c>).</summary>
    public const string ConfigurationKeyProperty = "ConfigurationKey";

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

    /// <summary>DEF3003. Same message as DEF3001; reported where the only evidence is the name the value is stored under.</summary>
    internal static readonly DiagnosticDescriptor NameOnlyRule = new(
        RuleIdentifiers.SecretByName,
        title: "Possible hardcoded secret under a secret name",
        messageFormat: "Hardcoded secret ({0}): read it from configuration, an environment variable or a key vault",
        RuleCategories.Security,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "A value that looks generated (digits between letters, symbols, random case) is stored under a name that says secret. The name is the only evidence, so this is a warning by default: make it an error with dotnet_diagnostic.DEF3003.severity = error once the project is clean. A known secret format or a library's credential parameter is DEF3001.",
        helpLinkUri: RuleIdentifiers.GetHelpUri(RuleIdentifiers.SecretByName));

    // Shortest string any check can match: names need the minimum length, formats at least this much.
    private const int ShortestCandidate = 6;

    // Fragments of a called method's or created type's name that make a constant argument worth following.
    private static readonly string[] CredentialCallWords = ["secret", "pass", "credential", "pwd", "key", "token", "login", "auth"];

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rule, NameOnlyRule);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            var analysis = new CompilationAnalysis(start.Options.AnalyzerConfigOptionsProvider);
            start.RegisterSemanticModelAction(analysis.AnalyzeFile);
        });
    }

    private sealed class CompilationAnalysis(AnalyzerConfigOptionsProvider provider)
    {
        /// <summary>One pass per file: its strings, then the credential calls that constants may be passed to.</summary>
        public void AnalyzeFile(SemanticModelAnalysisContext context)
        {
            var tree = context.SemanticModel.SyntaxTree;
            var root = tree.GetRoot(context.CancellationToken);
            var text = tree.GetText(context.CancellationToken).ToString();
            var options = SecretRuleOptions.From(provider.GetOptions(tree));

            HashSet<SyntaxNode>? concatenations = null;
            foreach (var token in SourceScan.StringTokens(root, text, context.FilterSpan))
            {
                if (token.Parent is not ExpressionSyntax expression)
                {
                    continue;
                }

                // Pieces of a concatenation are judged together, once, at the top of the expression.
                var top = StringFolding.TopOfConcatenation(expression);
                if (top.Parent is InterpolationSyntax || (top != expression && !(concatenations ??= []).Add(top)))
                {
                    continue;
                }

                AnalyzeString(context, top, options);
            }

            foreach (var (_, arguments) in SourceScan.CallsNamedWith(root, text, CredentialCallWords, StringComparison.OrdinalIgnoreCase, context.FilterSpan))
            {
                foreach (var argument in arguments.Arguments)
                {
                    AnalyzeConstantArgument(context, argument, options);
                }
            }
        }

        private static void AnalyzeString(SemanticModelAnalysisContext context, ExpressionSyntax node, SecretRuleOptions options)
        {
            // The common case, a plain literal standing alone: judged from its token text with no allocation.
            if (node is LiteralExpressionSyntax single)
            {
                var literalText = single.Token.ValueText;
                if (literalText.Length >= ShortestCandidate)
                {
                    Judge(context, node, literalText, options);
                }

                return;
            }

            // Additions of numbers and of variables only: nothing to collect.
            if (node is BinaryExpressionSyntax addition && !StringFolding.HasStringOperand(addition))
            {
                return;
            }

            var pieces = new List<(SyntaxNode Node, int Start)>(4);
            var text = new StringBuilder();
            var holes = new List<ExpressionSyntax>();
            if (!StringFolding.Collect(node, pieces, text, holes) || text.Length < ShortestCandidate)
            {
                return;
            }

            var joined = text.ToString();
            string value;
            if (holes.Count == 0)
            {
                value = joined;
            }
            else if (holes.TrueForAll(h => h is IdentifierNameSyntax or MemberAccessExpressionSyntax) && StringFolding.NoWhitespace(joined)
                     && IsConstantString(context, node, out var folded))
            {
                // Prefix + "8Q~…", $"{Prefix}…": constants fold to one value, judged whole.
                value = folded!;
            }
            else
            {
                // Text around a value only known at run time: a format in it is reported at its piece, which cannot be
                // replaced on its own.
                if (options.KnownFormats && SecretFormats.Find(joined) is { } partial)
                {
                    Report(context, Rule, StringFolding.PieceAt(pieces, partial.Start), partial.Kind, SecretFormats.ConfigurationKeyOf(partial.Kind), fixable: false);
                }

                return;
            }

            Judge(context, node, value, options);
        }

        /// <summary>
        /// A whole string value: a known format (DEF3001), a plausible secret given to a library's credential parameter
        /// (DEF3001), or a plausible, generated-looking secret going to a secret-named target (DEF3003).
        /// </summary>
        private static void Judge(SemanticModelAnalysisContext context, ExpressionSyntax node, string value, SecretRuleOptions options)
        {
            if (options.KnownFormats && SecretFormats.Find(value) is { } match)
            {
                var named = SecretTargets.Find(context.SemanticModel, node, context.CancellationToken);
                if (match.Kind == SecretFormats.StorageAccountKey && named is not null && SecretNames.IsDigestName(named.Name))
                {
                    // A SHA-512 in base64 under a hash's name (ContentHash, Integrity) has a storage key's shape.
                    return;
                }

                Report(context, Rule, node, match.Kind, named is null ? SecretFormats.ConfigurationKeyOf(match.Kind) : ConfigurationKeys.For(named.Name), IsReplaceable(node));
                return;
            }

            // "user:password" encoded for a Basic Authorization header.
            if (value.IndexOf(':') is var colon and > 0 && SecretTargets.IsEncodedAsBasicCredentials(node)
                && SecretValues.IsPlausibleSecret(value.Substring(colon + 1), options))
            {
                Report(context, Rule, node, SecretFormats.BasicCredentials, SecretFormats.ConfigurationKeyOf(SecretFormats.BasicCredentials), IsReplaceable(node));
                return;
            }

            // Length, whitespace and shape dismiss most strings before any name is looked at.
            if (SecretValues.IsPlausibleSecret(value, options)
                && SecretTargets.Find(context.SemanticModel, node, context.CancellationToken) is { } target
                && SecretNames.IsSecretName(target.Name, options))
            {
                target = SecretTargets.WithLibraryProperty(context.SemanticModel, target, context.CancellationToken);
                if (target.IsCredentialApi)
                {
                    Report(context, Rule, node, target.Description, ConfigurationKeys.For(target.Name), IsReplaceable(node));
                }
                else if (SecretShape.LooksGenerated(value.Trim()))
                {
                    Report(context, NameOnlyRule, node, target.Description, ConfigurationKeys.For(target.Name), IsReplaceable(node));
                }
            }
        }

        // A constant passed to a credential call (WithClientSecret(Value)), reported at the use: DEF3001 when the call is
        // a library's, whatever the constant is called. A constant in a secret format is reported at its declaration
        // instead, and so is a secret-named one passed to the project's own method.
        private static void AnalyzeConstantArgument(SemanticModelAnalysisContext context, ArgumentSyntax argument, SecretRuleOptions options)
        {
            if (argument.Expression is not (IdentifierNameSyntax or MemberAccessExpressionSyntax))
            {
                return;
            }

            var symbol = context.SemanticModel.GetSymbolInfo(argument.Expression, context.CancellationToken).Symbol;
            var constant = symbol switch
            {
                IFieldSymbol { IsConst: true } field => field.ConstantValue,
                ILocalSymbol { IsConst: true } local => local.ConstantValue,
                _ => null,
            };
            if (constant is not string value || value.Length < ShortestCandidate)
            {
                return;
            }

            if ((options.KnownFormats && SecretFormats.Find(value) is not null) || !SecretValues.IsPlausibleSecret(value, options)
                || SecretTargets.OfArgument(context.SemanticModel, argument, context.CancellationToken) is not { } target
                || !SecretNames.IsSecretName(target.Name, options))
            {
                return;
            }

            var what = $"{target.Description}, through constant '{symbol!.Name}'";
            if (target.IsCredentialApi)
            {
                Report(context, Rule, argument.Expression, what, ConfigurationKeys.For(target.Name), fixable: false);
            }
            else if (!SecretNames.IsSecretName(symbol.Name, options) && SecretShape.LooksGenerated(value.Trim()))
            {
                Report(context, NameOnlyRule, argument.Expression, what, ConfigurationKeys.For(target.Name), fixable: false);
            }
        }

        private static void Report(SemanticModelAnalysisContext context, DiagnosticDescriptor rule, SyntaxNode node, string what, string configurationKey, bool fixable)
        {
            var properties = ImmutableDictionary<string, string?>.Empty
                .Add(FixableProperty, fixable ? "true" : "false")
                .Add(ConfigurationKeyProperty, configurationKey);
            context.ReportDiagnostic(Diagnostic.Create(rule, node.GetLocation(), properties, what));
        }

        private static bool IsConstantString(SemanticModelAnalysisContext context, ExpressionSyntax node, out string? value)
        {
            var constant = context.SemanticModel.GetConstantValue(node, context.CancellationToken);
            value = constant is { HasValue: true, Value: string text } ? text : null;
            return value is not null;
        }

        // Constant contexts (default parameter values, attribute arguments, case labels, patterns) take no run-time lookup.
        private static bool IsReplaceable(SyntaxNode node)
        {
            for (var current = node.Parent; current is not null; current = current.Parent)
            {
                switch (current)
                {
                    case ParameterSyntax or AttributeArgumentSyntax or CaseSwitchLabelSyntax or PatternSyntax:
                        return false;
                    case StatementSyntax or MemberDeclarationSyntax or ArrowExpressionClauseSyntax:
                        return true;
                }
            }

            return true;
        }

    }
}
