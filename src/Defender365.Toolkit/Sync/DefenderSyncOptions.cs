namespace Defender365.Toolkit.Sync;

/// <summary>How an incremental sync polls.</summary>
public sealed class DefenderSyncOptions
{
    private TimeSpan _overlap = TimeSpan.FromMinutes(10);
    private TimeSpan _leaseDuration = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How far before the newest change delivered each poll asks again (default 10 minutes, at most a day). A change
    /// that the service indexes later than this after a newer one can be missed; a longer overlap costs a larger
    /// cursor and more items read (and skipped) per poll, not more deliveries.
    /// </summary>
    /// <remarks>The overlap of a stored cursor is the one it was created with; this applies to new cursors.</remarks>
    public TimeSpan Overlap
    {
        get => _overlap;
        set => _overlap = value > TimeSpan.Zero && value <= TimeSpan.FromDays(1)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "The overlap must be positive and at most a day.");
    }

    /// <summary>
    /// How long a poll holds the lease on its cursor without saving (default 5 minutes), where the store's leases
    /// expire (Redis). Each page's save renews it, so this must exceed the time one page takes to handle.
    /// </summary>
    public TimeSpan LeaseDuration
    {
        get => _leaseDuration;
        set => _leaseDuration = value >= TimeSpan.FromSeconds(1) && value <= TimeSpan.FromDays(1)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "The lease must last between a second and a day.");
    }

    /// <summary>
    /// An OData <c>$filter</c> that narrows what is synced (<c>severity eq 'high'</c>), joined to the change-time
    /// condition with <c>and</c>. Use the fields the list accepts; keep it the same for one cursor.
    /// </summary>
    public string? Filter { get; set; }

    /// <summary>Items per page, capped at what the list accepts; <see langword="null"/>: the client's <c>DefaultPageSize</c>.</summary>
    public int? PageSize { get; set; }

    /// <summary>
    /// The clock that says how late a change time can plausibly be (now plus 5 minutes of skew): a later one does not
    /// move the watermark. <see langword="null"/>: the client's <c>TimeProvider</c>.
    /// </summary>
    public TimeProvider? TimeProvider { get; set; }
}
