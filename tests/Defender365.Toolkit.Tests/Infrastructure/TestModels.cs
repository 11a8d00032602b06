using System.Text.Json;
using System.Text.Json.Serialization;

namespace Defender365.Toolkit.Tests.Infrastructure;

// Minimal models of the shapes the tests read; the generator (next issue) emits the full ones.
public sealed record Incident(long IncidentId, string IncidentName, string Status, string? AssignedTo, IReadOnlyList<IncidentComment>? Comments);

public sealed record IncidentComment(string Comment, string CreatedBy);

/// <summary>An item of the scripted (hostile) API's pages.</summary>
public sealed record ScriptedItem(string Id);

public sealed record GraphIncident(string Id, string DisplayName, string Status);

public sealed record Machine(string Id, string ComputerDnsName);

public sealed record MachineAction(string Id, string Type, string Status, string MachineId, string? RequestorComment);

public sealed record Indicator(string Id, string IndicatorValue, string IndicatorType, string Action);

public sealed record HuntingColumn(string Name, string Type);

public sealed record HuntingResponse(
    [property: JsonPropertyName("Schema")] IReadOnlyList<HuntingColumn> Schema,
    [property: JsonPropertyName("Results")] IReadOnlyList<Dictionary<string, JsonElement>> Results);

public sealed record GraphHuntingResponse(
    [property: JsonPropertyName("schema")] IReadOnlyList<HuntingColumn> Schema,
    [property: JsonPropertyName("results")] IReadOnlyList<Dictionary<string, JsonElement>> Results);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(Incident))]
[JsonSerializable(typeof(GraphIncident))]
[JsonSerializable(typeof(ScriptedItem))]
[JsonSerializable(typeof(Machine))]
[JsonSerializable(typeof(MachineAction))]
[JsonSerializable(typeof(Indicator))]
[JsonSerializable(typeof(HuntingResponse))]
[JsonSerializable(typeof(GraphHuntingResponse))]
[JsonSerializable(typeof(JsonElement))]
public sealed partial class TestJsonContext : JsonSerializerContext;
