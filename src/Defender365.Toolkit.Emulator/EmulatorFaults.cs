namespace Defender365.Toolkit.Emulator;

/// <summary>
/// Switchable misbehaviour, to test clients against what the real services do under load: quotas (HTTP 429 with
/// <c>Retry-After</c> or with the wait only in the body), server errors, slow responses, a slow token service.
/// Thread-safe; change at any time.
/// </summary>
public sealed class EmulatorFaults
{
    private readonly object _gate = new();
    private readonly Func<long> _lastTokenSerial;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _revokedThrough = new(StringComparer.OrdinalIgnoreCase);
    private int _throttleRemaining;
    private TimeSpan _throttleRetryAfter;
    private bool _throttleHeader;
    private string? _throttleOperation;
    private int _failRemaining;
    private int _failStatus;
    private string? _failOperation;

    internal EmulatorFaults(Func<long> lastTokenSerial) => _lastTokenSerial = lastTokenSerial;

    /// <summary>Delay added to every API response.</summary>
    public TimeSpan ApiLatency { get; set; }

    /// <summary>Delay added to every token request (to widen the window of a cold-start stampede).</summary>
    public TimeSpan TokenLatency { get; set; }

    /// <summary>
    /// Answers the next <paramref name="count"/> API calls (of <paramref name="operationId"/>, or of any operation when
    /// <see langword="null"/>) with HTTP 429 <c>TooManyRequests</c>. With <paramref name="retryAfterHeader"/> the wait is in
    /// the <c>Retry-After</c> header (Defender for Endpoint); without, only the error message says it (Defender XDR).
    /// </summary>
    public void Throttle(int count, TimeSpan retryAfter, bool retryAfterHeader = true, string? operationId = null)
    {
        lock (_gate)
        {
            _throttleRemaining = count;
            _throttleRetryAfter = retryAfter;
            _throttleHeader = retryAfterHeader;
            _throttleOperation = operationId;
        }
    }

    /// <summary>Answers the next <paramref name="count"/> API calls (of one operation or any) with <paramref name="status"/> (5xx).</summary>
    public void Fail(int count, int status = 503, string? operationId = null)
    {
        lock (_gate)
        {
            _failRemaining = count;
            _failStatus = status;
            _failOperation = operationId;
        }
    }

    /// <summary>
    /// Revokes every token issued so far for the tenant (an admin removed the app's consent and re-granted it, a key was
    /// rolled): the APIs answer them with 401 until the client gets a new one. Tokens issued afterwards are accepted.
    /// </summary>
    public void RevokeTokens(string tenantId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        _revokedThrough[tenantId] = _lastTokenSerial();
    }

    internal bool IsRevoked(string tenantId, long tokenSerial) =>
        _revokedThrough.TryGetValue(tenantId, out var through) && tokenSerial <= through;

    /// <summary>Turns every fault off.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _throttleRemaining = 0;
            _failRemaining = 0;
        }

        _revokedThrough.Clear();

        ApiLatency = TimeSpan.Zero;
        TokenLatency = TimeSpan.Zero;
    }

    internal async Task BeforeTokenRequestAsync(CancellationToken cancellationToken)
    {
        if (TokenLatency > TimeSpan.Zero)
        {
            await Task.Delay(TokenLatency, cancellationToken).ConfigureAwait(false);
        }
    }

    internal (int Status, TimeSpan RetryAfter, bool Header)? Next(string operationId)
    {
        lock (_gate)
        {
            if (_throttleRemaining > 0 && (_throttleOperation is null || _throttleOperation == operationId))
            {
                _throttleRemaining--;
                return (429, _throttleRetryAfter, _throttleHeader);
            }

            if (_failRemaining > 0 && (_failOperation is null || _failOperation == operationId))
            {
                _failRemaining--;
                return (_failStatus, TimeSpan.Zero, false);
            }
        }

        return null;
    }
}
