namespace Defender365.Toolkit.FanOut;

/// <summary>How a fan-out runs: how many tenants at once, and whom it tells how far it is.</summary>
public sealed class DefenderFanOutOptions
{
    /// <summary>
    /// Tenants worked on at once. Default 8. Each tenant's calls also wait for room in that tenant's quota, so one busy
    /// tenant holds one of these slots, never the others' quotas. 1 to 256.
    /// </summary>
    public int MaxConcurrency { get; set; } = 8;

    /// <summary>
    /// Told after each tenant finishes, on the thread that ran it: tenants finishing together report at the same time,
    /// so an implementation must be thread-safe (<see cref="Progress{T}"/> is, and posts to the caller's context).
    /// Default: nobody.
    /// </summary>
    public IProgress<DefenderFanOutProgress>? Progress { get; set; }

    internal void Validate()
    {
        if (MaxConcurrency is < 1 or > 256)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxConcurrency), MaxConcurrency, "Use 1 to 256 tenants at once.");
        }
    }
}
