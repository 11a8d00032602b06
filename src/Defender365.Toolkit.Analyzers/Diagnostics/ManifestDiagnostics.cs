using Microsoft.CodeAnalysis;

namespace Defender365.Toolkit.Analyzers.Diagnostics;

/// <summary>The scope-manifest diagnostics, reported by the generator at their place in <c>defender-scopes.json</c>.</summary>
internal static class ManifestDiagnostics
{
    /// <summary>DEF1001. Format: "{0}" (what is wrong and, where it helps, what is expected).</summary>
    public static readonly DiagnosticDescriptor InvalidManifest = new(
        RuleIdentifiers.InvalidManifest,
        title: "Scope manifest is not valid",
        messageFormat: "{0}",
        RuleCategories.Manifest,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "The scope manifest must be a JSON object with 'namespace', 'cloud' and 'permissions' (resource name → { application: [...], delegated: [...] }). While the manifest cannot be read, the entry points are generated with no permission declared (so this is the first error, not a cascade of missing types).",
        helpLinkUri: RuleIdentifiers.GetHelpUri(RuleIdentifiers.InvalidManifest));

    /// <summary>DEF1002. Format: "{0}" (the unknown entry, why, and the catalog's closest match).</summary>
    public static readonly DiagnosticDescriptor UnknownEntry = new(
        RuleIdentifiers.UnknownManifestEntry,
        title: "Unknown resource or permission in the scope manifest",
        messageFormat: "{0}",
        RuleCategories.Manifest,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "Every resource and permission in the scope manifest must exist in the Defender API catalog, with the exact (case-sensitive) name and under the right kind (application or delegated).",
        helpLinkUri: RuleIdentifiers.GetHelpUri(RuleIdentifiers.UnknownManifestEntry));
}
