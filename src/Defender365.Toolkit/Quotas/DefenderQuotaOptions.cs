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

    internal DefenderQuotaOptions Validate()
    {
        Positive(MaxWait, nameof(MaxWait), allowZero: true);
        Positive(MaxPause, nameof(MaxPause), allowZero: false);
        Positive(DefaultPause, nameof(DefaultPause), allowZero: true);
        Positive(SharedStoreTimeout, nameof(SharedStoreTimeout), allowZero: false);
        Positive(RetryAfterFailure, nameof(RetryAfterFailure), allowZero: false);
        return this;

        static void Positive(TimeSpan value, string name, bool allowZero)
        {
            if (value < TimeSpan.Zero || (!allowZero && value == TimeSpan.Zero) || value > TimeSpan.FromDays(1))
            {
                throw new ArgumentOutOfRangeException(name, value, $"DefenderQuotaOptions.{name} must be {(allowZero ? "zero or more" : "positive")} and at most a day.");
            }
        }
    }

    internal DefenderQuotaOptions Copy() => (DefenderQuotaOptions)MemberwiseClone();

    internal void CopyTo(DefenderQuotaOptions target) =>
        (target.MaxWait, target.MaxPause, target.DefaultPause, target.SharedStoreTimeout, target.RetryAfterFailure) =
            (MaxWait, MaxPause, DefaultPause, SharedStoreTimeout, RetryAfterFailure);
}
