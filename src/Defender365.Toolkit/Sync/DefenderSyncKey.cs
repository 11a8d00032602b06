namespace Defender365.Toolkit.Sync;

/// <summary>What one sync cursor belongs to: a tenant and a collection (the list operation's catalog id).</summary>
/// <param name="TenantId">The customer tenant, as the app names it (a GUID or a verified domain).</param>
/// <param name="Collection">The list operation's id, for example <c>GraphSecurity.ListIncidents</c>.</param>
public readonly record struct DefenderSyncKey(string TenantId, string Collection)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Collection} of tenant '{TenantId}'";
}
