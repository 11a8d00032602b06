using Microsoft.Extensions.Logging;

namespace Defender365.Toolkit.Resilience;

/// <summary>
/// Runs the operations of a store shared by an app's instances (Redis, usually) so that the store never fails a call:
/// each operation is bounded by a timeout, and a failure or timeout switches the store off for a while (1 s, then
/// twice as long each time it still fails, up to a maximum), said once in the log when it goes and once when it is back.
/// </summary>
/// <remarks>Thread-safe. The shared token cache and the quota governor each keep one.</remarks>
internal sealed class SharedStoreGuard
{
    private readonly TimeSpan _operationTimeout;
    private readonly TimeSpan _maxPause;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Action<ILogger, string, TimeSpan> _logUnavailable;
    private readonly Action<ILogger> _logRecovered;

    // Ticks of the clock until which the store is not tried (0: it is healthy), when it last failed, and whether it is
    // down (1) as far as the log has said.
    private long _unavailableUntil;
    private long _failedAt;
    private int _failed;
    private int _failuresInARow;

    public SharedStoreGuard(TimeSpan operationTimeout, TimeSpan maxPause, TimeProvider time, ILogger logger, Action<ILogger, string, TimeSpan> logUnavailable, Action<ILogger> logRecovered)
    {
        _operationTimeout = operationTimeout;
        _maxPause = maxPause;
        _time = time;
        _logger = logger;
        _logUnavailable = logUnavailable;
        _logRecovered = logRecovered;
    }

    /// <summary>Whether the store is tried: false for a while after it failed.</summary>
    public bool IsAvailable => _time.GetUtcNow().UtcTicks >= Interlocked.Read(ref _unavailableUntil);

    /// <summary>
    /// Runs one operation within the timeout. Not ok (and the store switched off for a while) when it fails or times
    /// out; not ok at once while the store is off. The caller's own cancellation passes as an exception.
    /// </summary>
    public async Task<(bool Ok, T? Value)> RunAsync<T>(Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken = default)
    {
        if (!IsAvailable)
        {
            return (false, default);
        }

        using var timeout = new CancellationTokenSource(_operationTimeout, _time);
        using var linked = cancellationToken.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken) : null;
        var started = _time.GetUtcNow().UtcTicks;
        Task<T>? task = null;
        try
        {
            task = operation(linked?.Token ?? timeout.Token);
            var value = await task.WaitAsync(_operationTimeout, _time, cancellationToken).ConfigureAwait(false);

            // Back only if this operation began after the last failure: one that was already under way proves nothing.
            if (Volatile.Read(ref _failed) == 1 && started > Interlocked.Read(ref _failedAt) && Interlocked.Exchange(ref _failed, 0) == 1)
            {
                Interlocked.Exchange(ref _failuresInARow, 0);
                _logRecovered(_logger);
            }

            return (true, value);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Observe(task);
            throw;
        }
        catch (Exception exception)
        {
            Observe(task);
            // Tried again after 1 s, then 2, 4, … up to the maximum: a blip (a restart, a failover) costs a second, an
            // outage one attempt per interval.
            var now = _time.GetUtcNow();
            var failures = Math.Min(Interlocked.Increment(ref _failuresInARow), 16);
            var pause = TimeSpan.FromTicks(Math.Min(_maxPause.Ticks, TimeSpan.TicksPerSecond << (failures - 1)));
            Interlocked.Exchange(ref _failedAt, now.UtcTicks);
            Interlocked.Exchange(ref _unavailableUntil, (now + pause).UtcTicks);
            if (Interlocked.Exchange(ref _failed, 1) == 0)
            {
                _logUnavailable(_logger, exception is TimeoutException or OperationCanceledException ? $"no answer within {_operationTimeout.TotalMilliseconds} ms" : exception.GetType().Name, pause);
            }

            return (false, default);
        }
    }

    // An operation left running past the timeout must not surface later as an unobserved exception.
    private static void Observe(Task? task) =>
        _ = task?.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
}
