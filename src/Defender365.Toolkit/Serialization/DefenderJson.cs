using System.Buffers;
using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Defender365.Toolkit.Serialization;

/// <summary>
/// Reading and writing helpers for the JSON converters the generator emits. They are tolerant the way the Defender APIs
/// need: a number sent as a string is read, an unknown property is skipped, a wrong-typed value gives a clear
/// <see cref="JsonException"/> naming the property.
/// </summary>
/// <remarks>For generated code; not meant to be called directly.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class DefenderJson
{
    /// <summary>Options for generated type information: no reflection-based resolver, so the code stays trimmable.</summary>
    public static JsonSerializerOptions CreateOptions() => new() { TypeInfoResolver = JsonTypeInfoResolver.Combine() };

    /// <summary>Type information for a generated converter.</summary>
    public static JsonTypeInfo<T> CreateTypeInfo<T>(JsonSerializerOptions options, JsonConverter<T> converter) =>
        JsonMetadataServices.CreateValueInfo<T>(options, converter);

    /// <summary>Type information for an untyped JSON value (items the catalog does not describe).</summary>
    public static JsonTypeInfo<JsonElement> JsonElementTypeInfo { get; } = CreateTypeInfo(CreateOptions(), new JsonElementConverter());

    /// <summary>Serializes with generated type information into a request body.</summary>
    public static BinaryData ToBody<T>(T value, JsonTypeInfo<T> typeInfo) => BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(value, typeInfo));

    /// <summary>Reads the property name the reader is on and moves to its value.</summary>
    public static string ReadPropertyName(ref Utf8JsonReader reader)
    {
        var name = reader.GetString() ?? string.Empty;
        reader.Read();
        return name;
    }

    /// <summary>Throws unless the reader is on the start of an object.</summary>
    public static void ExpectObject(ref Utf8JsonReader reader, string typeName)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException($"Expected a JSON object for {typeName}; found {reader.TokenType}.");
        }
    }

    /// <summary>
    /// The error for a response that lacks a property the service always sends (an entity's ID): the body is not the
    /// entity it should be, and a model with a null ID would only fail later, farther from the cause.
    /// </summary>
    /// <param name="typeName">The model, e.g. <c>Machine</c>.</param>
    /// <param name="propertyName">The wire name, e.g. <c>id</c>.</param>
    public static JsonException MissingProperty(string typeName, string propertyName) =>
        new($"The {typeName} in the response has no '{propertyName}', which the service always sends: the body is not a {typeName}.");

    /// <summary>Whether an exception is what reading a value the model cannot take throws (and not a bug to pass on).</summary>
    public static bool IsValueError(Exception exception) => exception is JsonException or FormatException or OverflowException or InvalidOperationException;

    /// <summary>
    /// The error for a value a model cannot take, naming the model and the property (<c>GraphAlert.createdDateTime</c>);
    /// nested models add their own, outermost first.
    /// </summary>
    /// <param name="typeName">The model being read.</param>
    /// <param name="fields">The model's wire names by field index.</param>
    /// <param name="field">The index of the property being read.</param>
    /// <param name="inner">What the value's reader threw.</param>
    public static JsonException InProperty(string typeName, IReadOnlyDictionary<string, int> fields, int field, Exception inner)
    {
        ArgumentNullException.ThrowIfNull(fields);
        ArgumentNullException.ThrowIfNull(inner);
        var name = fields.FirstOrDefault(f => f.Value == field).Key ?? "#" + field.ToString(CultureInfo.InvariantCulture);
        var detail = inner is JsonException { Data: var data } && data[PropertyPathKey] is string inside
            ? (Path: $"{typeName}.{name}.{inside}", Message: inner.Message[(inner.Message.IndexOf(": ", StringComparison.Ordinal) + 2)..])
            : (Path: $"{typeName}.{name}", Message: inner.Message);
        var exception = new JsonException($"{detail.Path}: {detail.Message}", inner);
        exception.Data[PropertyPathKey] = detail.Path[(typeName.Length + 1)..];
        return exception;
    }

    private const string PropertyPathKey = "Defender365.PropertyPath";

    /// <summary>A string, or <see langword="null"/>; numbers and booleans are kept as their text.</summary>
    public static string? ReadString(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.Null => null,
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.Number => Encoding(ref reader),
        JsonTokenType.True => "true",
        JsonTokenType.False => "false",
        _ => throw Unexpected(ref reader, "a string"),
    };

    /// <summary>A 64-bit integer (also from a numeric string), or <see langword="null"/>.</summary>
    public static long? ReadInt64(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.Null => null,
        JsonTokenType.Number => reader.GetInt64(),
        JsonTokenType.String when long.TryParse(reader.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) => value,
        _ => throw Unexpected(ref reader, "an integer"),
    };

    /// <summary>A 32-bit integer (also from a numeric string), or <see langword="null"/>.</summary>
    public static int? ReadInt32(ref Utf8JsonReader reader) => ReadInt64(ref reader) is { } value ? checked((int)value) : null;

    /// <summary>A number (also from a numeric string), or <see langword="null"/>.</summary>
    public static double? ReadDouble(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.Null => null,
        JsonTokenType.Number => reader.GetDouble(),
        JsonTokenType.String when double.TryParse(reader.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) => value,
        _ => throw Unexpected(ref reader, "a number"),
    };

    /// <summary>A boolean (also from "true"/"false"), or <see langword="null"/>.</summary>
    public static bool? ReadBoolean(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.Null => null,
        JsonTokenType.True => true,
        JsonTokenType.False => false,
        JsonTokenType.String when bool.TryParse(reader.GetString(), out var value) => value,
        _ => throw Unexpected(ref reader, "a boolean"),
    };

    /// <summary>An ISO 8601 date and time (assumed UTC without offset), or <see langword="null"/>.</summary>
    public static DateTimeOffset? ReadDateTimeOffset(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : throw Unexpected(ref reader, "a date");
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value)
            ? value
            : throw new JsonException($"'{text}' is not a date and time.");
    }

    /// <summary>A GUID, or <see langword="null"/>.</summary>
    public static Guid? ReadGuid(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.Null => null,
        JsonTokenType.String when Guid.TryParse(reader.GetString(), out var value) => value,
        _ => throw Unexpected(ref reader, "a GUID"),
    };

    /// <summary>Any JSON value, kept as is.</summary>
    public static JsonElement? ReadElement(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.Null ? null : JsonElement.ParseValue(ref reader);

    /// <summary>An object of arbitrary values (advanced hunting rows).</summary>
    public static IReadOnlyDictionary<string, JsonElement>? ReadMap(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        ExpectObject(ref reader, "a row");
        var map = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = ReadPropertyName(ref reader);
            map[name] = JsonElement.ParseValue(ref reader);
        }

        return map;
    }

    /// <summary>
    /// Reads one member of a polymorphic family (Graph alert evidence) from its own JSON: <see langword="false"/> when it
    /// does not read as <typeparamref name="T"/> (a value of the wrong type, a missing ID), so the caller keeps it as raw
    /// JSON instead of failing the whole page.
    /// </summary>
    /// <param name="utf8">The object's JSON.</param>
    /// <param name="read">The generated reader of the type.</param>
    /// <param name="value">What was read, or <see langword="null"/>.</param>
    public static bool TryReadVariant<T>(byte[] utf8, JsonItemReader<T> read, out T? value)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(utf8);
        ArgumentNullException.ThrowIfNull(read);
        var reader = new Utf8JsonReader(utf8);
        try
        {
            reader.Read();
            value = read(ref reader);
            return value is not null;
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or OverflowException)
        {
            value = null;
            return false;
        }
    }

    /// <summary>An array, each item read by <paramref name="readItem"/>; <see langword="null"/> items are dropped.</summary>
    public static IReadOnlyList<T>? ReadList<T>(ref Utf8JsonReader reader, JsonItemReader<T> readItem)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw Unexpected(ref reader, "an array");
        }

        var items = new List<T>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.Null && readItem(ref reader) is { } item)
            {
                items.Add(item);
            }
        }

        return items;
    }

    /// <summary>Writes an optional string property; <see langword="null"/> is omitted.</summary>
    public static void Write(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    /// <summary>Writes an optional integer property; <see langword="null"/> is omitted.</summary>
    public static void Write(Utf8JsonWriter writer, string name, long? value)
    {
        if (value is { } v)
        {
            writer.WriteNumber(name, v);
        }
    }

    /// <summary>Writes an optional integer property; <see langword="null"/> is omitted.</summary>
    public static void Write(Utf8JsonWriter writer, string name, int? value)
    {
        if (value is { } v)
        {
            writer.WriteNumber(name, v);
        }
    }

    /// <summary>Writes an optional number property; <see langword="null"/> is omitted.</summary>
    public static void Write(Utf8JsonWriter writer, string name, double? value)
    {
        if (value is { } v)
        {
            writer.WriteNumber(name, v);
        }
    }

    /// <summary>Writes an optional boolean property; <see langword="null"/> is omitted.</summary>
    public static void Write(Utf8JsonWriter writer, string name, bool? value)
    {
        if (value is { } v)
        {
            writer.WriteBoolean(name, v);
        }
    }

    /// <summary>Writes an optional date property in ISO 8601 UTC; <see langword="null"/> is omitted.</summary>
    public static void Write(Utf8JsonWriter writer, string name, DateTimeOffset? value)
    {
        if (value is { } v)
        {
            writer.WriteString(name, v.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Writes an optional GUID property; <see langword="null"/> is omitted.</summary>
    public static void Write(Utf8JsonWriter writer, string name, Guid? value)
    {
        if (value is { } v)
        {
            writer.WriteString(name, v);
        }
    }

    /// <summary>Writes an optional JSON value property; <see langword="null"/> is omitted.</summary>
    public static void Write(Utf8JsonWriter writer, string name, JsonElement? value)
    {
        if (value is { } v)
        {
            writer.WritePropertyName(name);
            v.WriteTo(writer);
        }
    }

    /// <summary>Writes an optional map property; <see langword="null"/> is omitted.</summary>
    public static void Write(Utf8JsonWriter writer, string name, IReadOnlyDictionary<string, JsonElement>? value)
    {
        if (value is null)
        {
            return;
        }

        writer.WritePropertyName(name);
        WriteMap(writer, value);
    }

    /// <summary>Writes a map as an object.</summary>
    public static void WriteMap(Utf8JsonWriter writer, IReadOnlyDictionary<string, JsonElement> value)
    {
        writer.WriteStartObject();
        foreach (var (key, element) in value)
        {
            writer.WritePropertyName(key);
            element.WriteTo(writer);
        }

        writer.WriteEndObject();
    }

    /// <summary>Writes an optional list property with <paramref name="writeItem"/>; <see langword="null"/> is omitted.</summary>
    public static void WriteList<T>(Utf8JsonWriter writer, string name, IReadOnlyList<T>? value, Action<Utf8JsonWriter, T> writeItem)
    {
        if (value is null)
        {
            return;
        }

        writer.WritePropertyName(name);
        writer.WriteStartArray();
        foreach (var item in value)
        {
            writeItem(writer, item);
        }

        writer.WriteEndArray();
    }

    private static string Encoding(ref Utf8JsonReader reader) =>
        System.Text.Encoding.UTF8.GetString(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan.ToArray());

    private static JsonException Unexpected(ref Utf8JsonReader reader, string expected) =>
        new($"Expected {expected}; found {reader.TokenType} at byte {reader.TokenStartIndex}.");
}

/// <summary>Reads and writes a <see cref="JsonElement"/> as it is.</summary>
internal sealed class JsonElementConverter : JsonConverter<JsonElement>
{
    public override JsonElement Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => JsonElement.ParseValue(ref reader);

    public override void Write(Utf8JsonWriter writer, JsonElement value, JsonSerializerOptions options) => value.WriteTo(writer);
}

/// <summary>Reads one item of a JSON array (for generated converters).</summary>
/// <typeparam name="T">Item type.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public delegate T? JsonItemReader<T>(ref Utf8JsonReader reader);
