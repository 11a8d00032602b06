using Defender365.Toolkit.Analyzers.Incremental;
using Defender365.Toolkit.Analyzers.Manifest;

namespace Defender365.Toolkit.Analyzers.Generation.Specs;

/// <summary>Everything the emitter needs: the resolved namespace and the declared permissions.</summary>
/// <remarks>Immutable with structural equality, or incremental caching breaks. Holds no Roslyn object.</remarks>
/// <param name="Namespace">Namespace of the generated code.</param>
/// <param name="Cloud">The manifest's cloud.</param>
/// <param name="Resources">Declared permissions per resource.</param>
/// <param name="RequiredMembers">The project's C# has <c>required</c> members (C# 11 on).</param>
/// <param name="GraphBeta">Whether Microsoft Graph beta operations are generated (the manifest's <c>graphBeta</c>).</param>
internal sealed record GenerationSpec(string Namespace, string Cloud, EquatableArray<ResourceGrantSpec> Resources, bool RequiredMembers = false, bool GraphBeta = false);

/// <summary>The manifest of the project, once several candidates were weighed, and the diagnostics to report.</summary>
/// <remarks>Immutable with structural equality, or incremental caching breaks.</remarks>
internal sealed record SelectedManifest(ScopeManifestSpec? Spec, EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>Build properties the generator reads.</summary>
/// <remarks>Immutable with structural equality, or incremental caching breaks.</remarks>
/// <param name="RootNamespace">The project's root namespace, for a manifest without <c>namespace</c>.</param>
/// <param name="RequiredMembers">The project's C# has <c>required</c> members (C# 11 on).</param>
internal sealed record GeneratorOptions(string? RootNamespace, bool RequiredMembers);
