using System.Collections.Immutable;
using Defender365.Toolkit.Analyzers.Diagnostics;
using Defender365.Toolkit.Analyzers.Secrets;
using Defender365.Toolkit.Analyzers.Syntax;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Defender365.Toolkit.Analyzers.Rules;

/// <summary>
/// DEF3004: a secret left in a comment (<c>// old secret: …</c>, a connection string kept "for reference", a token
/// pasted into a doc comment). Two ways, as for DEF3001 and DEF3003: a known secret format anywhere in the comment, or
/// a secret-sounding word followed by <c>:</c> or <c>=</c> and a value that is plausible and looks generated.
/// </summary>
/// <remarks>
/// A warning by default: comments also hold documentation samples, and nothing in a comment is used at run time. Reads
/// syntax only (no semantic model), once per file, from the comments <see cref="SourceScan.Comments"/> finds by
/// searching the text for <c>//</c> and <c>/*</c>.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SecretInCommentAnalyzer : DiagnosticAnalyzer
{
    /// <summary>DEF3004. Format: "Secret in a comment ({0}): delete it and rotate the secret; the repository's history keeps it".</summary>
    internal static readonly DiagnosticDescriptor Rule = new(
        RuleIdentifiers.SecretInComment,
        title: "Secret in a comment",
        messageFormat: "Secret in a comment ({0}): delete it and rotate the secret; the repository's history keeps it",
        RuleCategories.Security,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "A secret kept in a comment is in every clone, package of the sources and backup, like one in code. Delete it and rotate it. Reported as a warning: comments also hold documentation samples.",
        helpLinkUri: RuleIdentifiers.GetHelpUri(RuleIdentifiers.SecretInComment));

    // The shortest comment that can hold a format or a "secret: value" pair.
    private const int ShortestComment = 16;

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rule);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterSyntaxTreeAction(AnalyzeFile);
    }

    private static void AnalyzeFile(SyntaxTreeAnalysisContext context)
    {
        var tree = context.Tree;
        var text = tree.GetText(context.CancellationToken).ToString();
        if (text.IndexOf("//", System.StringComparison.Ordinal) < 0 && text.IndexOf("/*", System.StringComparison.Ordinal) < 0)
        {
            return;
        }

        var root = tree.GetRoot(context.CancellationToken);
        var options = SecretRuleOptions.From(context.Options.AnalyzerConfigOptionsProvider.GetOptions(tree));
        foreach (var comment in SourceScan.Comments(root, text, context.FilterSpan))
        {
            var span = comment.FullSpan;
            if (span.Length < ShortestComment)
            {
                continue;
            }

            var content = text.Substring(span.Start, span.Length);
            if (options.KnownFormats && SecretFormats.Find(content) is { } match)
            {
                Report(context, tree, new TextSpan(span.Start + match.Start, match.Length), match.Kind);
            }
            else if (NamedValue(content, options) is { } named)
            {
                Report(context, tree, new TextSpan(span.Start + named.Start, named.Length), $"after '{named.Name}'");
            }
        }
    }

    /// <summary>"secret: value", "password = value": a secret word, a separator and a generated-looking value.</summary>
    private static (string Name, int Start, int Length)? NamedValue(string comment, SecretRuleOptions options)
    {
        for (var separator = comment.IndexOfAny(Separators); separator > 0; separator = comment.IndexOfAny(Separators, separator + 1))
        {
            var nameEnd = separator;
            while (nameEnd > 0 && comment[nameEnd - 1] == ' ')
            {
                nameEnd--;
            }

            var nameStart = nameEnd;
            while (nameStart > 0 && (char.IsLetterOrDigit(comment[nameStart - 1]) || comment[nameStart - 1] is '_' or '-'))
            {
                nameStart--;
            }

            var valueStart = separator + 1;
            while (valueStart < comment.Length && comment[valueStart] is ' ' or '"' or '\'' or '`')
            {
                valueStart++;
            }

            var valueEnd = valueStart;
            while (valueEnd < comment.Length && !char.IsWhiteSpace(comment[valueEnd]) && comment[valueEnd] is not ('"' or '\'' or '`' or '<'))
            {
                valueEnd++;
            }

            // A sentence's full stop or comma is not part of the value.
            while (valueEnd > valueStart && comment[valueEnd - 1] is '.' or ',' or ';' or ')')
            {
                valueEnd--;
            }

            // Code kept in a comment ("var tokenAcquisition = services.GetRequiredService<…>();") is not a value.
            if (nameEnd == nameStart || valueEnd == valueStart || comment.IndexOf('(', valueStart, valueEnd - valueStart) >= 0)
            {
                continue;
            }

            var name = comment.Substring(nameStart, nameEnd - nameStart);
            var value = comment.Substring(valueStart, valueEnd - valueStart);
            if (SecretNames.IsSecretName(name, options) && SecretValues.IsPlausibleSecret(value, options) && SecretShape.LooksGenerated(value))
            {
                return (name, valueStart, valueEnd - valueStart);
            }
        }

        return null;
    }

    private static readonly char[] Separators = [':', '='];

    private static void Report(SyntaxTreeAnalysisContext context, SyntaxTree tree, TextSpan span, string what) =>
        context.ReportDiagnostic(Diagnostic.Create(Rule, Location.Create(tree, span), what));
}
