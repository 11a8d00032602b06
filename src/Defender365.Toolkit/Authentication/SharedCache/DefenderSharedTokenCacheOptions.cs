namespace Defender365.Toolkit.Authentication.SharedCache;

/// <summary>Timing of <see cref="DefenderSharedTokenCache"/>. The defaults suit a cache on the same network as the app.</summary>
public sealed class DefenderSharedTokenCacheOptions
{
    /// <summary>
    /// The longest a read, write or lease of the shared cache may take before the credential goes on without it (to
    /// its own cache and the token service). Default 1 s: a Redis on the app's network answers in a millisecond, and a
    /// busy process can stall a few hundred.
    /// </summary>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The longest the credential works without the shared cache after it failed before trying it again. It tries after
    /// 1 s first, then twice as long each time the cache still fails, up to this. Default 30 s.
    /// </summary>
    public TimeSpan RetryAfterFailure { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long one instance may hold a tenant's lease while it asks the token service. The others wait that long at
    /// most for the token before asking for their own. Default 15 s (a token request that is retried takes a few seconds).
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How soon an instance that waits for another's token first looks for it; it looks again after twice as long each
    /// time, up to a quarter of a second. Default 25 ms.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(25);

    /// <summary>The prefix of the shared cache's keys, to keep them apart from the app's own. Default <c>defender365:token:</c>.</summary>
    public string KeyPrefix { get; set; } = "defender365:token:";

    internal void Validate()
    {
        Positive(OperationTimeout, nameof(OperationTimeout));
        Positive(RetryAfterFailure, nameof(RetryAfterFailure));
        Positive(LeaseDuration, nameof(LeaseDuration));
        Positive(PollInterval, nameof(PollInterval));
        ArgumentNullException.ThrowIfNull(KeyPrefix);
    }

    private static void Positive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive.");
        }
    }
}
