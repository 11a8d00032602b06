using System.Text.Json;
using System.Text.Json.Serialization;

namespace MultiTenantSoc;

/// <summary>The incident fields the sample shows.</summary>
public sealed record Incident(long IncidentId, string IncidentName, string Status, string Severity, DateTimeOffset LastUpdateTime);

/// <summary>An advanced hunting result: Defender XDR uses PascalCase here.</summary>
public sealed record HuntingResult(
    [property: JsonPropertyName("Results")] IReadOnlyList<Dictionary<string, JsonElement>> Results);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(Incident))]
[JsonSerializable(typeof(HuntingResult))]
internal sealed partial class SampleJsonContext : JsonSerializerContext;
