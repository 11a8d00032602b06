using System;
using System.Collections.Generic;
using System.Linq;
using Defender365.Toolkit.Analyzers.Generation.Specs;

namespace Defender365.Toolkit.Analyzers.Generation;

/// <summary>
/// Emits the models: one record per entity and request body, with a JSON converter that reads the API's wire names
/// (case-insensitively, unknown properties skipped) and writes them exactly; tolerant enums that keep unknown values; and
/// <c>DefenderJsonContext</c> with the type information the clients use. No reflection, so the code stays trimmable.
/// </summary>
internal static class ModelEmitter
{
    public static IEnumerable<(string HintName, string Source)> Emit(ClientSpec spec)
    {
        foreach (var model in spec.Models)
        {
            yield return ($"Defender365.Models.{model.TypeName}.g.cs", Record(spec.ModelsNamespace, model));
        }

        foreach (var enumSpec in spec.Enums)
        {
            yield return ($"Defender365.Models.{enumSpec.TypeName}.g.cs", Enum(spec.ModelsNamespace, enumSpec));
        }

        yield return ("Defender365.Models.DefenderJsonContext.g.cs", Context(spec));
    }

    private static string Record(string ns, ModelSpec model)
    {
        var writer = Emitter.Header();
        writer.Open($"namespace {ns}");
        writer.Summary(model.Summary);
        writer.Line(Emitter.GeneratedCodeAttribute);
        writer.Open(model.Family switch
        {
            { IsBase: true } => $"public abstract partial record {model.TypeName}",
            { BaseType: { } baseType } => $"public sealed partial record {model.TypeName} : {baseType}",
            _ => $"public sealed partial record {model.TypeName}",
        });
        var declared = model.Properties.Skip(model.Family?.InheritedCount ?? 0).ToArray();
        for (var i = 0; i < declared.Length; i++)
        {
            if (i > 0)
            {
                writer.Line();
            }

            writer.Summary(declared[i].Doc);
            writer.Line(declared[i].Declaration);
        }

        if (model.Family is { KeepsRaw: true })
        {
            if (declared.Length > 0)
            {
                writer.Line();
            }

            writer.Summary("The whole object as the service sent it.");
            writer.Line("public global::System.Text.Json.JsonElement Raw { get; init; }");
        }

        writer.Close();
        writer.Line();
        if (model.Family is { IsBase: true } family)
        {
            FamilyConverter(writer, model.TypeName, family);
            writer.Close();
            return writer.ToString();
        }

        // The converter: reads wire names case-insensitively, skips unknown properties, writes the exact wire names.
        writer.Summary($"Reads and writes {model.TypeName} with the API's property names.");
        writer.Line(Emitter.GeneratedCodeAttribute);
        writer.Open($"internal sealed class {model.TypeName}JsonConverter : global::System.Text.Json.Serialization.JsonConverter<{model.TypeName}>");
        writer.Line($"public static readonly {model.TypeName}JsonConverter Instance = new {model.TypeName}JsonConverter();");
        writer.Line();
        FieldLookup(writer, model.Properties);
        writer.Line();
        ReadValue(writer, model);
        writer.Line();
        writer.Open($"public static void WriteValue(global::System.Text.Json.Utf8JsonWriter writer, {model.TypeName} value)");
        writer.Line("writer.WriteStartObject();");
        foreach (var property in model.Properties)
        {
            writer.Line(property.Write);
        }

        writer.Line("writer.WriteEndObject();");
        writer.Close();
        writer.Line();
        ConverterOverrides(writer, model.TypeName);
        writer.Close();
        writer.Close();
        return writer.ToString();
    }

    /// <summary>
    /// The base of a family reads the whole object, hands it to the member its discriminator names, and keeps what it
    /// cannot read (a kind not described, a member that does not read) as the unknown member with the raw JSON, so one
    /// odd item never fails the page.
    /// </summary>
    private static void FamilyConverter(SourceWriter writer, string typeName, FamilySpec family)
    {
        const string Json = "global::System.Text.Json";
        writer.Summary($"Reads and writes {typeName} as the member its '{family.Discriminator}' names.");
        writer.Line(Emitter.GeneratedCodeAttribute);
        writer.Open($"internal sealed class {typeName}JsonConverter : {Json}.Serialization.JsonConverter<{typeName}>");
        writer.Line($"public static readonly {typeName}JsonConverter Instance = new {typeName}JsonConverter();");
        writer.Line();
        writer.Open($"public static {typeName}? ReadValue(ref {Json}.Utf8JsonReader reader)");
        writer.Open($"if (reader.TokenType == {Json}.JsonTokenType.Null)");
        writer.Line("return null;");
        writer.Close();
        writer.Line();
        writer.Line($"using var document = {Json}.JsonDocument.ParseValue(ref reader);");
        writer.Line("var element = document.RootElement;");
        writer.Line($"var kind = element.ValueKind == {Json}.JsonValueKind.Object && element.TryGetProperty({SourceWriter.Literal(family.Discriminator!)}, out var discriminator) && discriminator.ValueKind == {Json}.JsonValueKind.String ? discriminator.GetString() : null;");
        writer.Line("var utf8 = global::System.Text.Encoding.UTF8.GetBytes(element.GetRawText());");
        foreach (var member in family.Members)
        {
            writer.Line();
            writer.Open($"if (string.Equals(kind, {SourceWriter.Literal(member.Discriminator)}, global::System.StringComparison.OrdinalIgnoreCase) && global::Defender365.Toolkit.Serialization.DefenderJson.TryReadVariant<{member.TypeName}>(utf8, {member.TypeName}JsonConverter.ReadValue, out var {Names.Parameter(member.TypeName)}))");
            writer.Line($"return {Names.Parameter(member.TypeName)};");
            writer.Close();
        }

        writer.Line();
        writer.Line($"var unknown = element.ValueKind == {Json}.JsonValueKind.Object && global::Defender365.Toolkit.Serialization.DefenderJson.TryReadVariant<{family.UnknownType}>(utf8, {family.UnknownType}JsonConverter.ReadValue, out var common) ? common! : new {family.UnknownType}();");
        writer.Line("return unknown with { Raw = element.Clone() };");
        writer.Close();
        writer.Line();
        writer.Open($"public static void WriteValue({Json}.Utf8JsonWriter writer, {typeName} value)");
        writer.Open("switch (value)");
        foreach (var member in family.Members)
        {
            writer.Line($"case {member.TypeName} member:");
            writer.Line($"    {member.TypeName}JsonConverter.WriteValue(writer, member);");
            writer.Line("    break;");
        }

        writer.Line($"case {family.UnknownType} {{ Raw.ValueKind: not {Json}.JsonValueKind.Undefined }} unknown:");
        writer.Line("    unknown.Raw.WriteTo(writer);");
        writer.Line("    break;");
        writer.Line($"case {family.UnknownType} unknown:");
        writer.Line($"    {family.UnknownType}JsonConverter.WriteValue(writer, unknown);");
        writer.Line("    break;");
        writer.Line("default:");
        writer.Line($"    throw new global::System.NotSupportedException($\"{{value.GetType().Name}} is not a {typeName} this version can write.\");");
        writer.Close();
        writer.Close();
        writer.Line();
        ConverterOverrides(writer, typeName);
        writer.Close();
    }

    // The JsonConverter overrides, delegating to the static ReadValue/WriteValue the other converters call directly.
    private static void ConverterOverrides(SourceWriter writer, string typeName)
    {
        writer.Line($"public override {typeName}? Read(ref global::System.Text.Json.Utf8JsonReader reader, global::System.Type typeToConvert, global::System.Text.Json.JsonSerializerOptions options) => ReadValue(ref reader);");
        writer.Line();
        writer.Line($"public override void Write(global::System.Text.Json.Utf8JsonWriter writer, {typeName} value, global::System.Text.Json.JsonSerializerOptions options) => WriteValue(writer, value);");
    }

    /// <summary>Property index by wire name: UTF-8 names compared in place (no string on the exact-case path), then a case-insensitive table.</summary>
    private static void FieldLookup(SourceWriter writer, IReadOnlyList<PropertySpec> properties)
    {
        writer.Line("private static readonly global::System.Collections.Generic.Dictionary<string, int> Fields = new global::System.Collections.Generic.Dictionary<string, int>(global::System.StringComparer.OrdinalIgnoreCase)");
        writer.Line("{");
        for (var i = 0; i < properties.Count; i++)
        {
            writer.Line($"    [{SourceWriter.Literal(properties[i].Wire)}] = {i},");
        }

        writer.Line("};");
        writer.Line();
        for (var i = 0; i < properties.Count; i++)
        {
            writer.Line($"private static readonly byte[] Name{i} = global::System.Text.Encoding.UTF8.GetBytes({SourceWriter.Literal(properties[i].Wire)});");
        }

        writer.Line();
        writer.Open("private static int FieldOf(ref global::System.Text.Json.Utf8JsonReader reader)");
        for (var i = 0; i < properties.Count; i++)
        {
            writer.Line($"if (reader.ValueTextEquals(Name{i})) return {i};");
        }

        writer.Line("return Fields.TryGetValue(reader.GetString() ?? string.Empty, out var field) ? field : -1;");
        writer.Close();
    }

    private static void ReadValue(SourceWriter writer, ModelSpec model)
    {
        var properties = model.Properties;
        writer.Open($"public static {model.TypeName}? ReadValue(ref global::System.Text.Json.Utf8JsonReader reader)");
        writer.Open("if (reader.TokenType == global::System.Text.Json.JsonTokenType.Null)");
        writer.Line("return null;");
        writer.Close();
        writer.Line();
        writer.Line($"global::Defender365.Toolkit.Serialization.DefenderJson.ExpectObject(ref reader, {SourceWriter.Literal(model.TypeName)});");
        for (var i = 0; i < properties.Count; i++)
        {
            writer.Line($"{properties[i].LocalType} f{i} = default;");
        }

        // The property being read, so a value the reader cannot take is reported with its property's name (one quarantined
        // item in a sync says what was wrong with it). The try costs nothing until something throws.
        writer.Line("var field = -1;");
        writer.Open("try");
        writer.Open("while (reader.Read() && reader.TokenType == global::System.Text.Json.JsonTokenType.PropertyName)");
        writer.Line("field = FieldOf(ref reader);");
        writer.Line("reader.Read();");
        writer.Open("switch (field)");
        for (var i = 0; i < properties.Count; i++)
        {
            // Braces: each case gets its own scope for the pattern variables of the read expression.
            writer.Line($"case {i}:");
            writer.Line("{");
            writer.Line($"    f{i} = {properties[i].Read};");
            writer.Line("    break;");
            writer.Line("}");
        }

        writer.Line("default:");
        writer.Line("    reader.Skip();");
        writer.Line("    break;");
        writer.Close();
        writer.Close();
        writer.Close();
        writer.Open("catch (global::System.Exception e) when (field >= 0 && global::Defender365.Toolkit.Serialization.DefenderJson.IsValueError(e))");
        writer.Line($"throw global::Defender365.Toolkit.Serialization.DefenderJson.InProperty({SourceWriter.Literal(model.TypeName)}, Fields, field, e);");
        writer.Close();
        writer.Line();
        for (var i = 0; i < properties.Count; i++)
        {
            if (properties[i].AlwaysSent)
            {
                writer.Line($"if (f{i} is null) throw global::Defender365.Toolkit.Serialization.DefenderJson.MissingProperty({SourceWriter.Literal(model.TypeName)}, {SourceWriter.Literal(properties[i].Wire)});");
            }
        }

        writer.Line($"return new {model.TypeName}");
        writer.Line("{");
        for (var i = 0; i < properties.Count; i++)
        {
            writer.Line($"    {properties[i].Name} = f{i}{(properties[i].Unwrap ? ".Value" : string.Empty)},");
        }

        writer.Line("};");
        writer.Close();
    }

    private static string Enum(string ns, EnumSpec spec)
    {
        var typeName = spec.TypeName;
        var writer = Emitter.Header();
        writer.Open($"namespace {ns}");
        writer.Summary("The documented values, and any value the service sends that is not documented yet (kept as text). Compared case-insensitively.");
        writer.Line(Emitter.GeneratedCodeAttribute);
        writer.Open($"public readonly partial struct {typeName} : global::System.IEquatable<{typeName}>");
        writer.Line("private readonly string? _value;");
        writer.Line();
        writer.Summary("Creates the value from its text on the wire.");
        writer.Open($"public {typeName}(string value)");
        writer.Line("_value = value ?? throw new global::System.ArgumentNullException(nameof(value));");
        writer.Close();
        foreach (var member in spec.Members)
        {
            writer.Line();
            writer.Line($"/// <summary>The value <c>{SourceWriter.Escape(member.Value)}</c>.</summary>");
            writer.Line($"public static {typeName} {member.Name} {{ get; }} = new {typeName}({SourceWriter.Literal(member.Value)});");
        }

        writer.Line();
        writer.Summary("The wire value.");
        writer.Line("public override string ToString() => _value ?? string.Empty;");
        writer.Line();
        writer.Summary("Whether both have the same value, ignoring case.");
        writer.Line($"public bool Equals({typeName} other) => string.Equals(_value, other._value, global::System.StringComparison.OrdinalIgnoreCase);");
        writer.Line();
        writer.Line("/// <inheritdoc/>");
        writer.Line($"public override bool Equals(object? obj) => obj is {typeName} other && Equals(other);");
        writer.Line();
        writer.Line("/// <inheritdoc/>");
        writer.Line("public override int GetHashCode() => _value is null ? 0 : global::System.StringComparer.OrdinalIgnoreCase.GetHashCode(_value);");
        writer.Line();
        writer.Summary("Equality, ignoring case.");
        writer.Line($"public static bool operator ==({typeName} left, {typeName} right) => left.Equals(right);");
        writer.Line();
        writer.Summary("Inequality, ignoring case.");
        writer.Line($"public static bool operator !=({typeName} left, {typeName} right) => !left.Equals(right);");
        writer.Line();
        writer.Summary("Converts a wire value.");
        writer.Line($"public static implicit operator {typeName}(string value) => new {typeName}(value);");
        writer.Close();
        writer.Close();
        return writer.ToString();
    }

    private static string Context(ClientSpec spec)
    {
        var types = spec.Models.Select(m => m.TypeName).OrderBy(t => t, StringComparer.Ordinal).ToArray();
        var writer = Emitter.Header();
        writer.Open($"namespace {spec.ModelsNamespace}");
        writer.Summary("JSON type information for every generated model, built from generated converters (no reflection, trimmable).");
        writer.Line(Emitter.GeneratedCodeAttribute);
        writer.Open("public static partial class DefenderJsonContext");
        writer.Line("private static readonly global::System.Text.Json.JsonSerializerOptions Options = global::Defender365.Toolkit.Serialization.DefenderJson.CreateOptions();");
        foreach (var type in types)
        {
            writer.Line();
            writer.Summary($"Type information for {type}.");
            writer.Line($"public static global::System.Text.Json.Serialization.Metadata.JsonTypeInfo<{type}> {type} {{ get; }} = global::Defender365.Toolkit.Serialization.DefenderJson.CreateTypeInfo<{type}>(Options, {type}JsonConverter.Instance);");
        }

        writer.Close();
        writer.Close();
        return writer.ToString();
    }
}
