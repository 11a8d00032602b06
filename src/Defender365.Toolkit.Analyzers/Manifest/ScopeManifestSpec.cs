using Defender365.Toolkit.Analyzers.Incremental;

namespace Defender365.Toolkit.Analyzers.Manifest;

/// <summary>What a valid scope manifest declares: permissions per resource, sorted, plus namespace and cloud.</summary>
/// <remarks>
/// Immutable with structural equality, or incremental caching breaks. Sorted and free of positions, so a whitespace or
/// key-order edit of the file yields an equal spec and regenerates nothing.
/// </remarks>
/// <param name="Namespace">The namespace for generated code, or <see langword="null"/> to derive it from the project.</param>
/// <param name="Cloud">Commercial, GCC, GCCHigh or DoD.</param>
/// <param name="Resources">Declared permissions per resource, ordered by resource id.</param>
/// <param name="GraphBeta">Whether the project opts in to Microsoft Graph beta operations (<c>"graphBeta": true</c>).</param>
internal sealed record ScopeManifestSpec(string? Namespace, string Cloud, EquatableArray<ResourceGrantSpec> Resources, bool GraphBeta = false);

/// <summary>Declared permissions on one resource.</summary>
/// <remarks>Immutable with structural equality, or incremental caching breaks.</remarks>
/// <param name="ResourceId">Catalog id (<c>MicrosoftThreatProtection</c>, <c>WindowsDefenderATP</c>, <c>MicrosoftGraph</c>).</param>
/// <param name="Application">Application permissions, ordinal order.</param>
/// <param name="Delegated">Delegated permissions, ordinal order.</param>
internal sealed record ResourceGrantSpec(string ResourceId, EquatableArray<string> Application, EquatableArray<string> Delegated);

/// <summary>A manifest file read: its spec (when the file is a JSON object) and every problem found, located.</summary>
/// <remarks>Immutable with structural equality, or incremental caching breaks.</remarks>
/// <param name="FilePath">The manifest's path.</param>
/// <param name="Spec">What it declares; <see langword="null"/> when it is not a readable JSON object.</param>
/// <param name="Diagnostics">Every problem, located.</param>
/// <param name="SalvagedNamespace">For a file that is not valid JSON, its <c>namespace</c> if still legible.</param>
internal sealed record ManifestParseResult(string FilePath, ScopeManifestSpec? Spec, EquatableArray<DiagnosticInfo> Diagnostics, string? SalvagedNamespace = null);
