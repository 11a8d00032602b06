namespace Defender365.Toolkit.Quotas;

/// <summary>Settings of the quota governor (<see cref="DefenderQuotaLimiter"/>).</summary>
public sealed class DefenderQuotaOptions
{
    /// <summary>
    /// The longest a call waits for room in its tenant's quota before it fails with
    /// <see cref="Http.DefenderRequestFailure.QuotaExhausted"/> without being sent (the exception's <c>RetryAfter</c>
    /// says when there is room). A call whose wait is known to be longer fails at once. Default: 2 minutes, so a call
    /// waits out a spent minute window (advanced hunting's 45 a minute) but not a spent hour.
    /// </summary>
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// The longest pause a throttling answer can put on a tenant's quota: a <c>Retry-After</c> of a day is taken as this.
    /// Default: 1 hour (the longest documented window).
    /// </summary>
    public TimeSpan MaxPause { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The pause after a 429 that names no wait. Default: 1 second.
    /// </summary>
    public TimeSpan DefaultPause { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest one step on the shared store may take before the governor counts in-process for a while. Default: 1 second.</summary>
    public TimeSpan SharedStoreTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The longest the governor counts in-process after the shared store failed, before it tries the store again (after
    /// 1 s first, then twice as long each time it still fails). Default: 30 seconds.
    /// </summary>
    public TimeSpan RetryAfterFailure { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Throws for the first setting out of range, naming it.</summary>
    internal DefenderQuotaOptions Validate()
    {
        foreach (var (name, value, rule) in Problems())
        {
            throw new ArgumentOutOfRangeException(name, value, $"DefenderQuotaOptions.{name} {rule}.");
        }

        return this;
    }

    /// <summary>Every setting out of range, with the rule it breaks (the configuration validator words them for its section).</summary>
    internal IEnumerable<(string Name, TimeSpan Value, string Rule)> Problems()
    {
        (string, TimeSpan, bool AllowZero)[] settings =
        [
            (nameof(MaxWait), MaxWait, true),
            (nameof(MaxPause), MaxPause, false),
            (nameof(DefaultPause), DefaultPause, true),
            (nameof(SharedStoreTimeout), SharedStoreTimeout, false),
            (nameof(RetryAfterFailure), RetryAfterFailure, false),
        ];
        foreach (var (name, value, allowZero) in settings)
        {
            if (value < TimeSpan.Zero || (!allowZero && value == TimeSpan.Zero) || value > TimeSpan.FromDays(1))
            {
                yield return (name, value, $"must be {(allowZero ? "zero or more" : "positive")} and at most a day");
            }
        }
    }

    internal DefenderQuotaOptions Copy()
    {
        var copy = new DefenderQuotaOptions();
        CopyTo(copy);
        return copy;
    }

    internal void CopyTo(DefenderQuotaOptions target) =>
        (target.MaxWait, target.MaxPause, target.DefaultPause, target.SharedStoreTimeout, target.RetryAfterFailure) =
            (MaxWait, MaxPause, DefaultPause, SharedStoreTimeout, RetryAfterFailure);
}
