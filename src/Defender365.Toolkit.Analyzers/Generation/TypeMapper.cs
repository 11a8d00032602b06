using System;

namespace Defender365.Toolkit.Analyzers.Generation;

/// <summary>
/// How a catalog type (<c>string</c>, <c>int64</c>, <c>enum:X</c>, <c>entity:X</c>, <c>array&lt;T&gt;</c>, …) appears in
/// generated C#: the property type, the expression that reads it and the statement that writes it.
/// </summary>
internal sealed class TypeMapper
{
    private const string Json = "global::Defender365.Toolkit.Serialization.DefenderJson";
    private readonly string _models;

    public TypeMapper(string modelsNamespace) => _models = "global::" + modelsNamespace;

    /// <summary>The models namespace as generated code spells it (<c>global::X.Models</c>).</summary>
    public string Models => _models;

    /// <summary>The property type: nullable, since the services omit fields freely.</summary>
    public string PropertyType(string type) =>
        type.StartsWith("array<", StringComparison.Ordinal)
            ? $"global::System.Collections.Generic.IReadOnlyList<{ElementType(Inner(type))}>?"
            : ElementType(type) + "?";

    /// <summary>Whether the C# type of <paramref name="type"/> is a struct (its nullable form is <c>Nullable&lt;T&gt;</c>).</summary>
    public static bool IsValueType(string type) => type switch
    {
        "int32" or "int64" or "double" or "bool" or "datetime" or "guid" or "json" => true,
        _ => type.StartsWith("enum:", StringComparison.Ordinal),
    };

    /// <summary>The non-nullable type of a value (an array item or a path parameter).</summary>
    public string ElementType(string type) => type switch
    {
        "string" => "string",
        "int32" => "int",
        "int64" => "long",
        "double" => "double",
        "bool" => "bool",
        "datetime" => "global::System.DateTimeOffset",
        "guid" => "global::System.Guid",
        "json" => "global::System.Text.Json.JsonElement",
        "binary" => "global::System.BinaryData",
        "map<json>" => "global::System.Collections.Generic.IReadOnlyDictionary<string, global::System.Text.Json.JsonElement>",
        _ when type.StartsWith("enum:", StringComparison.Ordinal) => $"{_models}.{Names.Type(type.Substring(5))}",
        _ when type.StartsWith("entity:", StringComparison.Ordinal) => $"{_models}.{Names.Type(type.Substring(7))}",
        _ when type.StartsWith("array<", StringComparison.Ordinal) => $"global::System.Collections.Generic.IReadOnlyList<{ElementType(Inner(type))}>",
        _ => "global::System.Text.Json.JsonElement",
    };

    /// <summary>An expression of the property type that reads the value the reader is on.</summary>
    public string Read(string type) => type switch
    {
        _ when type.StartsWith("array<", StringComparison.Ordinal) =>
            $"{Json}.ReadList<{ElementType(Inner(type))}>(ref reader, static (ref global::System.Text.Json.Utf8JsonReader r) => {ReadItem(Inner(type), "r")})",
        _ => ReadValue(type, "reader"),
    };

    /// <summary>A statement that writes property <paramref name="name"/> with the value <paramref name="value"/> (omitted when null).</summary>
    public string Write(string type, string name, string value)
    {
        var literal = SourceWriter.Literal(name);
        if (type.StartsWith("array<", StringComparison.Ordinal))
        {
            return $"{Json}.WriteList(writer, {literal}, {value}, static (w, item) => {WriteItem(Inner(type), "w", "item")});";
        }

        if (type.StartsWith("enum:", StringComparison.Ordinal))
        {
            return $"{Json}.Write(writer, {literal}, {value}?.ToString());";
        }

        if (type.StartsWith("entity:", StringComparison.Ordinal))
        {
            return $"if ({value} is {{ }} v_{Names.Identifier(name)}) {{ writer.WritePropertyName({literal}); {ConverterOf(type.Substring(7))}.WriteValue(writer, v_{Names.Identifier(name)}); }}";
        }

        return $"{Json}.Write(writer, {literal}, {value});";
    }

    public string ConverterOf(string entity) => $"{_models}.{Names.Type(entity)}JsonConverter";

    private string ReadValue(string type, string reader) => type switch
    {
        "string" => $"{Json}.ReadString(ref {reader})",
        "int32" => $"{Json}.ReadInt32(ref {reader})",
        "int64" => $"{Json}.ReadInt64(ref {reader})",
        "double" => $"{Json}.ReadDouble(ref {reader})",
        "bool" => $"{Json}.ReadBoolean(ref {reader})",
        "datetime" => $"{Json}.ReadDateTimeOffset(ref {reader})",
        "guid" => $"{Json}.ReadGuid(ref {reader})",
        "map<json>" => $"{Json}.ReadMap(ref {reader})",
        "binary" => $"({Json}.ReadString(ref {reader}) is {{ }} b ? global::System.BinaryData.FromString(b) : null)",
        _ when type.StartsWith("enum:", StringComparison.Ordinal) => $"({Json}.ReadString(ref {reader}) is {{ }} s ? new {ElementType(type)}(s) : ({ElementType(type)}?)null)",
        _ when type.StartsWith("entity:", StringComparison.Ordinal) => $"{ConverterOf(type.Substring(7))}.ReadValue(ref {reader})",
        _ => $"{Json}.ReadElement(ref {reader})",
    };

    /// <summary>Reads one non-null array item as the element type.</summary>
    private string ReadItem(string type, string reader) => type switch
    {
        "string" => $"{Json}.ReadString(ref {reader})",
        _ when type.StartsWith("entity:", StringComparison.Ordinal) => $"{ConverterOf(type.Substring(7))}.ReadValue(ref {reader})",
        "map<json>" => $"{Json}.ReadMap(ref {reader})",
        _ when type.StartsWith("enum:", StringComparison.Ordinal) => $"new {ElementType(type)}({Json}.ReadString(ref {reader})!)",
        _ when type.StartsWith("array<", StringComparison.Ordinal) => $"{Json}.ReadList<{ElementType(Inner(type))}>(ref {reader}, static (ref global::System.Text.Json.Utf8JsonReader r2) => {ReadItem(Inner(type), "r2")})",
        _ => $"{ReadValue(type, reader)}!.Value",
    };

    private string WriteItem(string type, string writer, string item) => type switch
    {
        "string" => $"{writer}.WriteStringValue({item})",
        "int32" or "int64" or "double" => $"{writer}.WriteNumberValue({item})",
        "bool" => $"{writer}.WriteBooleanValue({item})",
        "guid" => $"{writer}.WriteStringValue({item})",
        "datetime" => $"{writer}.WriteStringValue({item})",
        "json" => $"{item}.WriteTo({writer})",
        "map<json>" => $"{Json}.WriteMap({writer}, {item})",
        _ when type.StartsWith("enum:", StringComparison.Ordinal) => $"{writer}.WriteStringValue({item}.ToString())",
        _ when type.StartsWith("entity:", StringComparison.Ordinal) => $"{ConverterOf(type.Substring(7))}.WriteValue({writer}, {item})",
        _ => $"{writer}.WriteNullValue()",
    };

    public static string Inner(string arrayType) => arrayType.Substring(6, arrayType.Length - 7);
}
