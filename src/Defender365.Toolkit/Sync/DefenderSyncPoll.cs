namespace Defender365.Toolkit.Sync;

/// <summary>What one poll of one tenant's collection did.</summary>
/// <param name="Key">The tenant and collection.</param>
/// <param name="Delivered">Changes handed to the handler, quarantined ones included.</param>
/// <param name="Quarantined">Of those, the items that could not be read.</param>
/// <param name="Pages">Pages read.</param>
/// <param name="Watermark">The newest change time delivered so far (this poll or earlier), or null.</param>
/// <param name="LeaseHeldElsewhere">True when another poll held the cursor's lease, so this one did nothing.</param>
public sealed record DefenderSyncPoll(DefenderSyncKey Key, int Delivered, int Quarantined, int Pages, DateTimeOffset? Watermark, bool LeaseHeldElsewhere)
{
    /// <inheritdoc/>
    public override string ToString() => LeaseHeldElsewhere
        ? $"{Key}: skipped, another poll holds its lease"
        : $"{Key}: {Delivered} change{(Delivered == 1 ? "" : "s")} ({Quarantined} quarantined) in {Pages} page{(Pages == 1 ? "" : "s")}, watermark {Watermark?.ToString("O", System.Globalization.CultureInfo.InvariantCulture) ?? "none"}";
}
