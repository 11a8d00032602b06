using System.Collections.Concurrent;
using Defender365.Toolkit.Catalog;

namespace Defender365.Toolkit.Quotas;

/// <summary>
/// The documented limits of one quota: how many calls in which windows, and how many at once. Built from an operation's
/// <see cref="DefenderOperation.RateLimit"/>; operations of one <see cref="DefenderRateLimit.Family"/> share one quota.
/// </summary>
/// <remarks>Immutable; one instance per operation, shared.</remarks>
public sealed class DefenderQuota
{
    private static readonly ConcurrentDictionary<DefenderOperation, DefenderQuota> ByOperation = new(ReferenceEqualityComparer.Instance);

    private DefenderQuota(string family, IReadOnlyList<DefenderQuotaWindow> windows, int? maxConcurrentRequests)
    {
        Family = family;
        Windows = windows;
        MaxConcurrentRequests = maxConcurrentRequests;
    }

    /// <summary>The quota's name: the family the operations share, or the operation's id when it has a quota of its own.</summary>
    public string Family { get; }

    /// <summary>The call limits, shortest window first; a call needs room in every one.</summary>
    public IReadOnlyList<DefenderQuotaWindow> Windows { get; }

    /// <summary>Requests in flight at once, when documented.</summary>
    public int? MaxConcurrentRequests { get; }

    /// <summary>Whether the docs state any limit; without, the quota only learns from the service's throttling answers.</summary>
    public bool IsDocumented => Windows.Count > 0 || MaxConcurrentRequests is not null;

    /// <summary>The quota of an operation (one without documented limits still pauses when the service throttles it).</summary>
    /// <param name="operation">A catalog operation.</param>
    public static DefenderQuota For(DefenderOperation operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        return ByOperation.GetOrAdd(operation, static o => Create(o.Id, o.RateLimit));
    }

    /// <summary>A quota from limits, for operations the catalog does not describe and for tests.</summary>
    /// <param name="family">The quota's name.</param>
    /// <param name="rateLimit">The limits.</param>
    /// <exception cref="ArgumentException">A limit is zero or negative.</exception>
    public static DefenderQuota Create(string family, DefenderRateLimit rateLimit)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(family);
        ArgumentNullException.ThrowIfNull(rateLimit);
        var windows = new List<DefenderQuotaWindow>(3);
        Add(rateLimit.PerMinute, TimeSpan.FromMinutes(1));
        Add(rateLimit.PerTenMinutes, TimeSpan.FromMinutes(10));
        Add(rateLimit.PerHour, TimeSpan.FromHours(1));
        if (rateLimit.MaxConcurrentRequests is <= 0)
        {
            throw new ArgumentException($"The concurrency limit of '{family}' must be positive.", nameof(rateLimit));
        }

        return new DefenderQuota(string.IsNullOrWhiteSpace(rateLimit.Family) ? family : rateLimit.Family, windows, rateLimit.MaxConcurrentRequests);

        void Add(int? limit, TimeSpan length)
        {
            if (limit is int calls)
            {
                windows.Add(calls > 0 ? new DefenderQuotaWindow(calls, length) : throw new ArgumentException($"The limits of '{family}' must be positive.", nameof(rateLimit)));
            }
        }
    }

    /// <inheritdoc/>
    public override string ToString() => !IsDocumented ? $"{Family}: no documented limit"
        : $"{Family}: {string.Join(", ", Windows)}{(MaxConcurrentRequests is int c ? $"{(Windows.Count > 0 ? ", " : "")}{c} at once" : "")}";
}

/// <summary>At most <paramref name="Limit"/> calls in any <paramref name="Length"/> of time.</summary>
/// <param name="Limit">Calls allowed in the window.</param>
/// <param name="Length">The window.</param>
public readonly record struct DefenderQuotaWindow(int Limit, TimeSpan Length)
{
    /// <summary>
    /// How many slots a store keeps per window: the window is counted in slots of <c>Length / SlotsPerWindow</c>, the
    /// oldest in full, so a store never lets more than <see cref="Limit"/> calls into any window and gives away at most one
    /// slot's worth of the allowance.
    /// </summary>
    public const int SlotsPerWindow = 60;

    /// <summary>The length of one slot.</summary>
    public TimeSpan SlotLength => Length / SlotsPerWindow;

    /// <inheritdoc/>
    public override string ToString() => Length == TimeSpan.FromMinutes(1) ? $"{Limit} per minute"
        : Length == TimeSpan.FromHours(1) ? $"{Limit} per hour"
        : $"{Limit} per {Length.TotalMinutes:0.###} minutes";
}
