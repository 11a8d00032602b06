using Defender365.Toolkit.Catalog;

namespace Defender365.Toolkit.Authorization;

/// <summary>
/// Declared permissions (what the app's manifest says it needs) against granted permissions (what a tenant's
/// administrator consented to, as the token's <c>roles</c> show) for one tenant and resource.
/// </summary>
/// <param name="TenantId">The tenant.</param>
/// <param name="ResourceId">The API resource.</param>
/// <param name="Declared">Declared permissions.</param>
/// <param name="Granted">Granted permissions.</param>
/// <param name="Missing">Declared permissions that no granted permission covers: calls that need them will fail.</param>
/// <param name="Extra">Granted permissions that were not declared: more access than the app says it needs.</param>
public sealed record ConsentDrift(
    string TenantId,
    string ResourceId,
    IReadOnlyList<string> Declared,
    IReadOnlyList<string> Granted,
    IReadOnlyList<string> Missing,
    IReadOnlyList<string> Extra)
{
    /// <summary>Whether every declared permission is granted.</summary>
    public bool IsComplete => Missing.Count == 0;

    /// <summary>Compares declared and granted permissions; a granted ReadWrite permission covers a declared Read one.</summary>
    public static ConsentDrift Compare(string tenantId, DefenderResource resource, IEnumerable<string> declared, IEnumerable<string> granted)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var declaredSet = declared.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var grantedSet = granted.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var missing = declaredSet.Where(d => !resource.Covers(grantedSet, d)).ToArray();
        var extra = grantedSet.Where(g => !declaredSet.Contains(g, StringComparer.Ordinal)).ToArray();
        return new ConsentDrift(tenantId, resource.Id, declaredSet, grantedSet, missing, extra);
    }

    /// <inheritdoc/>
    public override string ToString() =>
        IsComplete && Extra.Count == 0
            ? $"{TenantId} {ResourceId}: as declared"
            : $"{TenantId} {ResourceId}: missing [{string.Join(", ", Missing)}], extra [{string.Join(", ", Extra)}]";
}
