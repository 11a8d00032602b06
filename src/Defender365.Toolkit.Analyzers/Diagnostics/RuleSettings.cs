using System.Threading;
using Microsoft.CodeAnalysis;

namespace Defender365.Toolkit.Analyzers.Diagnostics;

/// <summary>What a compilation's settings make of a rule, read once at compilation start.</summary>
internal static class RuleSettings
{
    /// <summary>
    /// Whether <paramref name="rule"/> can be reported anywhere in the compilation: its default, or what the project
    /// (<c>NoWarn</c>, a ruleset, <c>&lt;WarningsAsErrors&gt;</c>), a <c>.globalconfig</c> or any <c>.editorconfig</c>
    /// section sets. A rule that is off everywhere needs no work at all, so an analyzer asks before registering it.
    /// </summary>
    public static bool IsEnabled(Compilation compilation, DiagnosticDescriptor rule, CancellationToken cancellationToken)
    {
        var options = compilation.Options;
        if (options.SpecificDiagnosticOptions.TryGetValue(rule.Id, out var project) && project != ReportDiagnostic.Default)
        {
            return project != ReportDiagnostic.Suppress;
        }

        if (options.SyntaxTreeOptionsProvider is { } provider)
        {
            foreach (var tree in compilation.SyntaxTrees)
            {
                if (provider.TryGetDiagnosticValue(tree, rule.Id, cancellationToken, out var local) && local is not (ReportDiagnostic.Suppress or ReportDiagnostic.Default))
                {
                    return true;
                }
            }

            if (provider.TryGetGlobalDiagnosticValue(rule.Id, cancellationToken, out var global) && global != ReportDiagnostic.Default)
            {
                return global != ReportDiagnostic.Suppress;
            }
        }

        return rule.IsEnabledByDefault;
    }
}
