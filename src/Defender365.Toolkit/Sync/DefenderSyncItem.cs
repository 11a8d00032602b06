using System.Text.Json;

namespace Defender365.Toolkit.Sync;

/// <summary>
/// One change a poll delivers: the item's new version, read into its model, or, when it cannot be read, quarantined
/// with the reason and its raw JSON. The sync goes on either way.
/// </summary>
/// <typeparam name="T">The item model.</typeparam>
public sealed class DefenderSyncItem<T>
{
    internal DefenderSyncItem(string tenantId, string? id, DateTimeOffset? changedAt, T? value, string? quarantineReason, JsonElement raw)
    {
        TenantId = tenantId;
        Id = id;
        ChangedAt = changedAt;
        Value = value;
        QuarantineReason = quarantineReason;
        Raw = raw;
    }

    /// <summary>The tenant the item belongs to.</summary>
    public string TenantId { get; }

    /// <summary>
    /// The item's identity (its <c>id</c> or <c>incidentId</c> as text): the key to store it under, so a delivery
    /// repeated after a crash overwrites instead of adding. Null only for a quarantined item whose id could not be read.
    /// </summary>
    public string? Id { get; }

    /// <summary>The item's last-change time; null only for a quarantined item whose change time could not be read.</summary>
    public DateTimeOffset? ChangedAt { get; }

    /// <summary>The item, or <see langword="default"/> when it is quarantined.</summary>
    public T? Value { get; }

    /// <summary>Whether the item could not be read into <typeparamref name="T"/>; <see cref="Raw"/> holds it as sent.</summary>
    public bool IsQuarantined => QuarantineReason is not null;

    /// <summary>Why the item is quarantined (the property and what was wrong), or null.</summary>
    public string? QuarantineReason { get; }

    /// <summary>The item's JSON as the service sent it.</summary>
    public JsonElement Raw { get; }

    /// <inheritdoc/>
    public override string ToString() => IsQuarantined
        ? $"quarantined item {Id ?? "(no id)"} of tenant '{TenantId}': {QuarantineReason}"
        : $"{typeof(T).Name} {Id} of tenant '{TenantId}' changed at {ChangedAt:O}";
}
