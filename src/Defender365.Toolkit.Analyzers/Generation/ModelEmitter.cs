using System;
using System.Collections.Generic;
using System.Linq;
using Defender365.Toolkit.Analyzers.Catalog;

namespace Defender365.Toolkit.Analyzers.Generation;

/// <summary>
/// Emits the models: one record per entity and request body, with a JSON converter that reads the API's wire names
/// (case-insensitively, unknown properties skipped) and writes them exactly; tolerant enums that keep unknown values; and
/// <c>DefenderJsonContext</c> with the type information the clients use. No reflection, so the code stays trimmable.
/// </summary>
internal static class ModelEmitter
{
    public static IEnumerable<(string HintName, string Source)> Emit(GenerationPlan plan)
    {
        var mapper = new TypeMapper(plan.ModelsNamespace);
        var catalog = ApiCatalog.Instance;
        foreach (var entity in plan.Entities)
        {
            var fields = catalog.Entities.TryGetValue(entity, out var e) ? e.Fields : Array.Empty<CatalogField>();
            yield return ($"Defender365.Models.{Names.Type(entity)}.g.cs", Record(plan, mapper, Names.Type(entity), e?.Description ?? $"The {entity} of the Defender APIs.", fields));
        }

        foreach (var operation in plan.Areas.SelectMany(a => a.Operations).Where(o => o.Body is { ContentType: "application/json" }))
        {
            var name = GenerationPlan.RequestTypeName(operation);
            yield return ($"Defender365.Models.{name}.g.cs", Record(plan, mapper, name, $"What {operation.Name}Async sends. Property names are sent exactly as the API spells them; properties left null are not sent.", operation.Body!.Fields));
        }

        foreach (var enumName in plan.Enums)
        {
            yield return ($"Defender365.Models.{Names.Type(enumName)}.g.cs", Enum(plan, Names.Type(enumName), catalog.Enums.TryGetValue(enumName, out var values) ? values : Array.Empty<string>()));
        }

        yield return ("Defender365.Models.DefenderJsonContext.g.cs", Context(plan));
    }

    private static string Record(GenerationPlan plan, TypeMapper mapper, string typeName, string summary, IReadOnlyList<CatalogField> catalogFields)
    {
        var fields = Properties(typeName, catalogFields);
        var writer = Emitter.Header();
        writer.Open($"namespace {plan.ModelsNamespace}");
        writer.Summary(summary);
        writer.Line(Emitter.GeneratedCodeAttribute);
        writer.Open($"public sealed partial record {typeName}");
        var first = true;
        foreach (var (field, property) in fields)
        {
            if (!first)
            {
                writer.Line();
            }

            first = false;
            // The catalog's sentence for people; the wire name only when the catalog has none.
            var doc = field.Description ?? $"The '{field.Name}' value.";
            if (field.Required)
            {
                doc += " Required.";
            }

            if (field.AllowedValues.Count > 0)
            {
                doc += $" Documented values: {string.Join(", ", field.AllowedValues)}.";
            }

            writer.Summary(doc);
            if (field.AlwaysSent)
            {
                // Never null from the service (the converter refuses a response without it), so no '!' at call sites.
                var type = mapper.ElementType(field.Type);
                writer.Line(plan.Spec.RequiredMembers
                    ? $"public required {type} {property} {{ get; init; }}"
                    : $"public {type} {property} {{ get; init; }}{(TypeMapper.IsValueType(field.Type) ? string.Empty : " = null!;")}");
            }
            else
            {
                writer.Line($"public {mapper.PropertyType(field.Type)} {property} {{ get; init; }}");
            }
        }

        writer.Close();
        writer.Line();

        // The converter: reads wire names case-insensitively, skips unknown properties, writes the exact wire names.
        writer.Summary($"Reads and writes {typeName} with the API's property names.");
        writer.Line(Emitter.GeneratedCodeAttribute);
        writer.Open($"internal sealed class {typeName}JsonConverter : global::System.Text.Json.Serialization.JsonConverter<{typeName}>");
        writer.Line($"public static readonly {typeName}JsonConverter Instance = new {typeName}JsonConverter();");
        writer.Line();
        writer.Line("private static readonly global::System.Collections.Generic.Dictionary<string, int> Fields = new global::System.Collections.Generic.Dictionary<string, int>(global::System.StringComparer.OrdinalIgnoreCase)");
        writer.Line("{");
        for (var i = 0; i < fields.Count; i++)
        {
            writer.Line($"    [{SourceWriter.Literal(fields[i].Field.Name)}] = {i},");
        }

        writer.Line("};");
        writer.Line();
        // UTF-8 names compared in place: no string per property on the common (exact-case) path.
        for (var i = 0; i < fields.Count; i++)
        {
            writer.Line($"private static readonly byte[] Name{i} = global::System.Text.Encoding.UTF8.GetBytes({SourceWriter.Literal(fields[i].Field.Name)});");
        }

        writer.Line();
        writer.Open("private static int FieldOf(ref global::System.Text.Json.Utf8JsonReader reader)");
        for (var i = 0; i < fields.Count; i++)
        {
            writer.Line($"if (reader.ValueTextEquals(Name{i})) return {i};");
        }

        writer.Line("return Fields.TryGetValue(reader.GetString() ?? string.Empty, out var field) ? field : -1;");
        writer.Close();
        writer.Line();
        writer.Open($"public static {typeName}? ReadValue(ref global::System.Text.Json.Utf8JsonReader reader)");
        writer.Line("if (reader.TokenType == global::System.Text.Json.JsonTokenType.Null)");
        writer.Line("{");
        writer.Line("    return null;");
        writer.Line("}");
        writer.Line();
        writer.Line($"global::Defender365.Toolkit.Serialization.DefenderJson.ExpectObject(ref reader, {SourceWriter.Literal(typeName)});");
        for (var i = 0; i < fields.Count; i++)
        {
            writer.Line($"{mapper.PropertyType(fields[i].Field.Type)} f{i} = default;");
        }

        writer.Open("while (reader.Read() && reader.TokenType == global::System.Text.Json.JsonTokenType.PropertyName)");
        writer.Line("var field = FieldOf(ref reader);");
        writer.Line("reader.Read();");
        writer.Open("switch (field)");
        for (var i = 0; i < fields.Count; i++)
        {
            // Braces: each case gets its own scope for the pattern variables of the read expression.
            writer.Line($"case {i}:");
            writer.Line("{");
            writer.Line($"    f{i} = {mapper.Read(fields[i].Field.Type)};");
            writer.Line("    break;");
            writer.Line("}");
        }

        writer.Line("default:");
        writer.Line("    reader.Skip();");
        writer.Line("    break;");
        writer.Close();
        writer.Close();
        writer.Line();
        for (var i = 0; i < fields.Count; i++)
        {
            if (fields[i].Field.AlwaysSent)
            {
                writer.Line($"if (f{i} is null) throw global::Defender365.Toolkit.Serialization.DefenderJson.MissingProperty({SourceWriter.Literal(typeName)}, {SourceWriter.Literal(fields[i].Field.Name)});");
            }
        }

        writer.Line($"return new {typeName}");
        writer.Line("{");
        for (var i = 0; i < fields.Count; i++)
        {
            var value = fields[i].Field.AlwaysSent && TypeMapper.IsValueType(fields[i].Field.Type) ? $"f{i}.Value" : $"f{i}";
            writer.Line($"    {fields[i].Property} = {value},");
        }

        writer.Line("};");
        writer.Close();
        writer.Line();
        writer.Open($"public static void WriteValue(global::System.Text.Json.Utf8JsonWriter writer, {typeName} value)");
        writer.Line("writer.WriteStartObject();");
        foreach (var (field, property) in fields)
        {
            writer.Line(mapper.Write(field.Type, field.Name, "value." + property));
        }

        writer.Line("writer.WriteEndObject();");
        writer.Close();
        writer.Line();
        writer.Line($"public override {typeName}? Read(ref global::System.Text.Json.Utf8JsonReader reader, global::System.Type typeToConvert, global::System.Text.Json.JsonSerializerOptions options) => ReadValue(ref reader);");
        writer.Line();
        writer.Line($"public override void Write(global::System.Text.Json.Utf8JsonWriter writer, {typeName} value, global::System.Text.Json.JsonSerializerOptions options) => WriteValue(writer, value);");
        writer.Close();
        writer.Close();
        return writer.ToString();
    }

    /// <summary>Fields with unique property names (wire names differing only in case are read as one).</summary>
    private static List<(CatalogField Field, string Property)> Properties(string typeName, IReadOnlyList<CatalogField> catalogFields)
    {
        var result = new List<(CatalogField, string)>();
        var wire = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var used = new HashSet<string>(StringComparer.Ordinal) { typeName, "EqualityContract" };
        foreach (var field in catalogFields)
        {
            if (!wire.Add(field.Name))
            {
                continue;
            }

            var property = Names.Pascal(field.Name);
            while (!used.Add(property))
            {
                property += "Value";
            }

            result.Add((field, property));
        }

        return result;
    }

    private static string Enum(GenerationPlan plan, string typeName, IReadOnlyList<string> values)
    {
        var writer = Emitter.Header();
        writer.Open($"namespace {plan.ModelsNamespace}");
        writer.Summary("The documented values, and any value the service sends that is not documented yet (kept as text). Compared case-insensitively.");
        writer.Line(Emitter.GeneratedCodeAttribute);
        writer.Open($"public readonly partial struct {typeName} : global::System.IEquatable<{typeName}>");
        writer.Line("private readonly string? _value;");
        writer.Line();
        writer.Summary("Creates the value from its text on the wire.");
        writer.Open($"public {typeName}(string value)");
        writer.Line("_value = value ?? throw new global::System.ArgumentNullException(nameof(value));");
        writer.Close();
        var members = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { typeName };
        foreach (var value in values)
        {
            var member = Names.Pascal(value);
            if (!members.Add(member))
            {
                continue;
            }

            writer.Line();
            writer.Line($"/// <summary>The value <c>{SourceWriter.Escape(value)}</c>.</summary>");
            writer.Line($"public static {typeName} {member} {{ get; }} = new {typeName}({SourceWriter.Literal(value)});");
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

    private static string Context(GenerationPlan plan)
    {
        var types = plan.Entities.Select(Names.Type)
            .Concat(plan.Areas.SelectMany(a => a.Operations).Where(o => o.Body is { ContentType: "application/json" }).Select(GenerationPlan.RequestTypeName))
            .OrderBy(t => t, StringComparer.Ordinal)
            .ToArray();
        var writer = Emitter.Header();
        writer.Open($"namespace {plan.ModelsNamespace}");
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
