using System.Collections.Concurrent;

namespace Defender365.Toolkit.Emulator.Data;

/// <summary>The tenants' data, seeded on first use, and Microsoft's threat intelligence, the same for all of them.</summary>
internal sealed class DataStore(EmulatorOptions options)
{
    private readonly Lazy<ThreatIntelligenceData> _threatIntelligence = new(() => new ThreatIntelligenceData(options));

    public ThreatIntelligenceData ThreatIntelligence => _threatIntelligence.Value;

    private readonly ConcurrentDictionary<string, Lazy<TenantData>> _tenants = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The tenants whose data exists (was asked for once).</summary>
    public IEnumerable<string> Seeded => _tenants.Where(t => t.Value.IsValueCreated).Select(t => t.Key);

    public TenantData For(string tenantId) =>
        _tenants.GetOrAdd(tenantId, id => new Lazy<TenantData>(() => DataSeeder.Seed(id, options))).Value;
}
