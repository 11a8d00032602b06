namespace Defender365.Toolkit.Quotas;

/// <summary>
/// Where the quota governor counts calls, shared by every instance of an app (Redis: <c>Defender365.Toolkit.Redis</c>).
/// Each method is one atomic step on the store, so instances that call at once never both take the last call of a
/// window. <see cref="DefenderQuotaLimiter"/> bounds each step with a timeout and counts in-process while the store fails.
/// </summary>
/// <remarks>
/// A store counts each window of <see cref="DefenderQuota.Windows"/> in <see cref="DefenderQuotaWindow.SlotsPerWindow"/>
/// slots by its own clock (one clock for all instances), takes a call only when every window has room, the key is not
/// paused and, with <see cref="DefenderQuota.MaxConcurrentRequests"/>, a request slot is free; and says how long until
/// it would have room otherwise.
/// </remarks>
public interface IDefenderQuotaStore
{
    /// <summary>Takes <paramref name="count"/> calls (0: only looks) of the quota for the key, if there is room.</summary>
    /// <param name="key">The tenant and family the calls count against.</param>
    /// <param name="quota">The limits.</param>
    /// <param name="count">0 or 1.</param>
    /// <param name="requestId">For a quota with a concurrency limit: the request that holds a slot until <see cref="ReleaseAsync"/>.</param>
    /// <param name="cancellationToken">Cancels the step.</param>
    ValueTask<DefenderQuotaDecision> TryTakeAsync(string key, DefenderQuota quota, int count, string requestId, CancellationToken cancellationToken);

    /// <summary>Frees the request slot <paramref name="requestId"/> took.</summary>
    /// <param name="key">The key the slot was taken under.</param>
    /// <param name="requestId">The request.</param>
    /// <param name="cancellationToken">Cancels the step.</param>
    ValueTask ReleaseAsync(string key, string requestId, CancellationToken cancellationToken);

    /// <summary>Takes no call for the key for <paramref name="duration"/> (from now, by the store's clock), or longer if it is paused longer already.</summary>
    /// <param name="key">The tenant and family the service throttled.</param>
    /// <param name="duration">The wait the service named.</param>
    /// <param name="cancellationToken">Cancels the step.</param>
    ValueTask PauseAsync(string key, TimeSpan duration, CancellationToken cancellationToken);
}

/// <summary>A store's answer: the calls were taken, or how long until there is room.</summary>
/// <param name="Granted">Whether the calls were taken.</param>
/// <param name="RetryAfter">
/// When refused: the time until a window has room or the pause ends; <see cref="TimeSpan.Zero"/> when only a request
/// slot is missing (it frees when another request ends, at a time nobody knows).
/// </param>
public readonly record struct DefenderQuotaDecision(bool Granted, TimeSpan RetryAfter)
{
    /// <summary>Taken.</summary>
    public static DefenderQuotaDecision Grant { get; } = new(true, TimeSpan.Zero);
}
