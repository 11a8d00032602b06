using System;
using System.Collections.Immutable;
using System.IO;
using Defender365.Toolkit.Analyzers.Diagnostics;
using Defender365.Toolkit.Analyzers.Manifest;
using Defender365.Toolkit.Analyzers.Secrets;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Defender365.Toolkit.Analyzers.Rules;

/// <summary>
/// DEF3002: a secret in an additional file — <c>appsettings*.json</c> (added as additional files by the package's
/// build targets), <c>.env</c>, <c>.ini</c>, YAML, XML config, or anything else the project lists — located at the value.
/// Same formats, names and placeholders as DEF3001 (<see cref="SettingsFileScanner"/>), same <c>DEF3001.*</c> options.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SecretInFileAnalyzer : DiagnosticAnalyzer
{
    /// <summary>DEF3002. Format: "Hardcoded secret ({0}) in {1}: keep it in user-secrets, an environment variable or a key vault".</summary>
    internal static readonly DiagnosticDescriptor Rule = new(
        RuleIdentifiers.SecretInFile,
        title: "Hardcoded secret in a settings or other additional file",
        messageFormat: "Hardcoded secret ({0}) in {1}: keep it in user-secrets, an environment variable or a key vault",
        RuleCategories.Security,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "Settings files are committed, copied to the build output and published with the app. Keep the key in the file with an empty value and supply the secret from user-secrets (development), environment variables or a key vault; configuration layers them over the file.",
        helpLinkUri: RuleIdentifiers.GetHelpUri(RuleIdentifiers.SecretInFile));

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rule);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterAdditionalFileAction(AnalyzeFile);
    }

    private static void AnalyzeFile(AdditionalFileAnalysisContext context)
    {
        var file = context.AdditionalFile;
        var provider = context.Options.AnalyzerConfigOptionsProvider;

        // The scope manifest holds permission names only; release-tracking and other Markdown files hold prose.
        if (ManifestFiles.IsManifest(file, provider) || file.Path.EndsWith(".md", StringComparison.OrdinalIgnoreCase)
            || file.GetText(context.CancellationToken) is not { } text)
        {
            return;
        }

        var options = SecretRuleOptions.From(provider.GetOptions(file));
        var fileName = Path.GetFileName(file.Path);
        foreach (var secret in SettingsFileScanner.Scan(text, options))
        {
            var location = Location.Create(file.Path, secret.Span, text.Lines.GetLinePositionSpan(secret.Span));
            context.ReportDiagnostic(Diagnostic.Create(Rule, location, secret.What, fileName));
        }
    }
}
