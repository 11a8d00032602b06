namespace Defender365.Toolkit.Catalog;

/// <summary>
/// Where an operation stands in Microsoft's retirement plans, as the catalog records it. Dates are catalog data (they
/// move; the legacy Graph alerts date moved three times), never compared with the clock by the toolkit.
/// </summary>
/// <remarks>Instances are immutable and shared; read them from <see cref="DefenderOperation.Lifecycle"/>.</remarks>
public sealed class DefenderLifecycle
{
    internal DefenderLifecycle(
        DefenderLifecycleStatus status,
        DateOnly? date,
        string? replacementOperationId,
        IReadOnlyDictionary<string, string> permissionMap,
        string? announcement,
        Uri source,
        string? guidance)
    {
        Status = status;
        Date = date;
        ReplacementOperationId = replacementOperationId;
        PermissionMap = permissionMap;
        Announcement = announcement;
        Source = source;
        Guidance = guidance;
    }

    /// <summary>Retiring (a date is announced), retired, or at risk (announced in words that may cover it, no date).</summary>
    public DefenderLifecycleStatus Status { get; }

    /// <summary>The day the operation stops (or stopped) working; <see langword="null"/> while it is only at risk.</summary>
    public DateOnly? Date { get; }

    /// <summary>The catalog id of the operation that replaces it (look it up with <see cref="DefenderCatalog.GetOperation(string)"/>), or <see langword="null"/>.</summary>
    public string? ReplacementOperationId { get; }

    /// <summary>Each application permission of this operation → the permission the replacement needs in its place, on the replacement's resource.</summary>
    public IReadOnlyDictionary<string, string> PermissionMap { get; }

    /// <summary>The Message Center notice that announced it (<c>MC1220762</c>), if any.</summary>
    public string? Announcement { get; }

    /// <summary>The page that states it.</summary>
    public Uri Source { get; }

    /// <summary>What changes for a caller that moves, in a sentence; <see langword="null"/> when nothing needs saying.</summary>
    public string? Guidance { get; }

    /// <inheritdoc/>
    public override string ToString() => Date is { } date ? $"{Status} {date:yyyy-MM-dd}" : Status.ToString();
}

/// <summary>A <see cref="DefenderLifecycle"/> status.</summary>
public enum DefenderLifecycleStatus
{
    /// <summary>Covered by an announcement's wording, with no date and no confirmation on the operation's own page.</summary>
    AtRisk = 0,

    /// <summary>A date is announced after which the operation stops working.</summary>
    Retiring = 1,

    /// <summary>The announced date has passed.</summary>
    Retired = 2,
}
