using System.Collections.Generic;
using System.Linq;
using Defender365.Toolkit.Analyzers.Catalog;
using Defender365.Toolkit.Analyzers.Generation.Models;

namespace Defender365.Toolkit.Analyzers.Generation;

/// <summary>Turns a <see cref="GenerationSpec"/> into source files with stable, ordinal-sorted hint names.</summary>
internal static class Emitter
{
    public const string GeneratorName = "Defender365.Toolkit.Generators";

    public static string GeneratorVersion { get; } = typeof(Emitter).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    public static IEnumerable<(string HintName, string Source)> Emit(GenerationSpec spec)
    {
        yield return ("Defender365.Permissions.g.cs", EmitPermissions(spec));
        var plan = GenerationPlan.Create(spec);
        foreach (var file in ModelEmitter.Emit(plan).Concat(ClientEmitter.Emit(plan)).OrderBy(f => f.HintName, System.StringComparer.Ordinal))
        {
            yield return file;
        }
    }

    private static string EmitPermissions(GenerationSpec spec)
    {
        var catalog = ApiCatalog.Instance;
        var writer = Header();
        writer.Open($"namespace {spec.Namespace}");
        writer.Summary("The permissions this app declares in its scope manifest (defender-scopes.json), per API resource.");
        writer.Line("/// <remarks>Generated from the manifest: edit the manifest, not this file.</remarks>");
        writer.Line(GeneratedCodeAttribute);
        writer.Open("public static partial class DefenderPermissions");
        writer.Summary("The cloud the manifest declares: Commercial, GCC, GCCHigh or DoD.");
        writer.Line($"public const string Cloud = {SourceWriter.Literal(spec.Cloud)};");

        foreach (var grant in spec.Resources)
        {
            var resource = catalog.GetResource(grant.ResourceId);
            writer.Line();
            writer.Summary($"{resource.DisplayName}: the declared permissions.");
            writer.Open($"public static partial class {Names.ResourceClass(resource.Id)}");
            writer.Summary("The resource's catalog id, as [RequiresDefenderPermission] names it.");
            writer.Line($"public const string ResourceId = {SourceWriter.Literal(resource.Id)};");
            var constants = grant.Application.Concat(grant.Delegated).Distinct().OrderBy(p => p, System.StringComparer.Ordinal);
            foreach (var permission in constants)
            {
                writer.Line();
                var kinds = (grant.Application.Contains(permission) ? "application" : string.Empty)
                    + (grant.Application.Contains(permission) && grant.Delegated.Contains(permission) ? " and " : string.Empty)
                    + (grant.Delegated.Contains(permission) ? "delegated" : string.Empty);
                writer.Summary($"{permission} ({kinds} permission).");
                writer.Line($"public const string {Names.PermissionConstant(permission)} = {SourceWriter.Literal(permission)};");
            }

            writer.Line();
            writer.Summary("Every declared application permission (token 'roles').");
            writer.Line($"public static global::System.Collections.Generic.IReadOnlyList<string> Application {{ get; }} = {StringArray(grant.Application.Select(Names.PermissionConstant))};");
            writer.Line();
            writer.Summary("Every declared delegated permission (token 'scp').");
            writer.Line($"public static global::System.Collections.Generic.IReadOnlyList<string> Delegated {{ get; }} = {StringArray(grant.Delegated.Select(Names.PermissionConstant))};");
            writer.Close();
        }

        writer.Line();
        writer.Summary("Declared application permissions by resource id, for consent checks at run time.");
        writer.Line("public static global::System.Collections.Generic.IReadOnlyDictionary<string, global::System.Collections.Generic.IReadOnlyList<string>> Declared { get; } =");
        writer.Line("    new global::System.Collections.Generic.Dictionary<string, global::System.Collections.Generic.IReadOnlyList<string>>(global::System.StringComparer.Ordinal)");
        writer.Line("    {");
        foreach (var grant in spec.Resources)
        {
            writer.Line($"        [{Names.ResourceClass(grant.ResourceId)}.ResourceId] = {Names.ResourceClass(grant.ResourceId)}.Application,");
        }

        writer.Line("    };");
        writer.Close();
        writer.Close();
        return writer.ToString();
    }

    private static string StringArray(IEnumerable<string> items)
    {
        var list = items.ToList();
        return list.Count == 0 ? "global::System.Array.Empty<string>()" : $"new string[] {{ {string.Join(", ", list)} }}";
    }

    internal static string GeneratedCodeAttribute =>
        $"[global::System.CodeDom.Compiler.GeneratedCode({SourceWriter.Literal(GeneratorName)}, {SourceWriter.Literal(GeneratorVersion)})]";

    internal static SourceWriter Header() => new SourceWriter()
        .Line("// <auto-generated/>")
        .Line("#nullable enable")
        .Line();
}
