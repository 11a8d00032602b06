using System.Collections.Generic;
using Defender365.Toolkit.Analyzers.Generation.Specs;

namespace Defender365.Toolkit.Analyzers.Generation;

/// <summary>Prints <c>DefenderPermissions</c>: the cloud and one class of constants per declared resource.</summary>
internal static class PermissionsEmitter
{
    private const string ReadOnlyList = "global::System.Collections.Generic.IReadOnlyList<string>";

    public static string Emit(ClientSpec spec)
    {
        var writer = Emitter.Header();
        writer.Open($"namespace {spec.Namespace}");
        writer.Summary("The permissions this app declares in its scope manifest (defender-scopes.json), per API resource.");
        writer.Line("/// <remarks>Generated from the manifest: edit the manifest, not this file.</remarks>");
        writer.Line(Emitter.GeneratedCodeAttribute);
        writer.Open("public static partial class DefenderPermissions");
        writer.Summary("The cloud the manifest declares: Commercial, GCC, GCCHigh or DoD.");
        writer.Line($"public const string Cloud = {SourceWriter.Literal(spec.Cloud)};");
        foreach (var resource in spec.Permissions)
        {
            writer.Line();
            Resource(writer, resource);
        }

        writer.Line();
        writer.Summary("Declared application permissions by resource id, for consent checks at run time.");
        writer.Line($"public static global::System.Collections.Generic.IReadOnlyDictionary<string, {ReadOnlyList}> Declared {{ get; }} =");
        writer.Line($"    new global::System.Collections.Generic.Dictionary<string, {ReadOnlyList}>(global::System.StringComparer.Ordinal)");
        writer.Line("    {");
        foreach (var resource in spec.Permissions)
        {
            writer.Line($"        [{resource.ClassName}.ResourceId] = {resource.ClassName}.Application,");
        }

        writer.Line("    };");
        writer.Close();
        writer.Close();
        return writer.ToString();
    }

    private static void Resource(SourceWriter writer, ResourcePermissionsSpec resource)
    {
        writer.Summary(resource.Summary);
        writer.Open($"public static partial class {resource.ClassName}");
        writer.Summary("The resource's catalog id, as [RequiresDefenderPermission] names it.");
        writer.Line($"public const string ResourceId = {SourceWriter.Literal(resource.ResourceId)};");
        foreach (var constant in resource.Constants)
        {
            writer.Line();
            writer.Summary(constant.Summary);
            writer.Line($"public const string {constant.Name} = {SourceWriter.Literal(constant.Value)};");
        }

        writer.Line();
        writer.Summary("Every declared application permission (token 'roles').");
        writer.Line($"public static {ReadOnlyList} Application {{ get; }} = {StringArray(resource.Application)};");
        writer.Line();
        writer.Summary("Every declared delegated permission (token 'scp').");
        writer.Line($"public static {ReadOnlyList} Delegated {{ get; }} = {StringArray(resource.Delegated)};");
        writer.Close();
    }

    private static string StringArray(IReadOnlyCollection<string> constants) =>
        constants.Count == 0 ? "global::System.Array.Empty<string>()" : $"new string[] {{ {string.Join(", ", constants)} }}";
}
