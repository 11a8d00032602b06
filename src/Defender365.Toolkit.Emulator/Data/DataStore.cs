using System.Collections.Concurrent;

namespace Defender365.Toolkit.Emulator.Data;

/// <summary>The tenants' data, seeded on first use.</summary>
internal sealed class DataStore(EmulatorOptions options)
{
    private readonly ConcurrentDictionary<string, Lazy<TenantData>> _tenants = new(StringComparer.OrdinalIgnoreCase);

    public TenantData For(string tenantId) =>
        _tenants.GetOrAdd(tenantId, id => new Lazy<TenantData>(() => DataSeeder.Seed(id, options))).Value;
}
