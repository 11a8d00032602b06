using System.Collections.Concurrent;

namespace Defender365.Toolkit.Emulator;

/// <summary>Counters of what the emulator received: token requests per tenant, API calls per operation, and the calls it throttled.</summary>
public sealed class EmulatorStatistics
{
    private readonly ConcurrentDictionary<string, int> _tokenRequests = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, int> _apiCalls = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _throttled = new(StringComparer.Ordinal);
    private int _peakConcurrentTokenRequests;
    private int _concurrentTokenRequests;

    /// <summary>Token requests received for a tenant (by tenant id).</summary>
    public int TokenRequests(string tenantId) => _tokenRequests.GetValueOrDefault(tenantId);

    /// <summary>Token requests received in total.</summary>
    public int TotalTokenRequests => _tokenRequests.Values.Sum();

    /// <summary>API calls received for an operation id (also those refused with 401/403/429).</summary>
    public int ApiCalls(string operationId) => _apiCalls.GetValueOrDefault(operationId);

    /// <summary>API calls received in total.</summary>
    public int TotalApiCalls => _apiCalls.Values.Sum();

    /// <summary>API calls of an operation id answered 429 (by a quota, a throttle fault or a profile rule).</summary>
    public int ThrottledCalls(string operationId) => _throttled.GetValueOrDefault(operationId);

    /// <summary>API calls answered 429 in total.</summary>
    public int TotalThrottledCalls => _throttled.Values.Sum();

    /// <summary>The most token requests that were in flight at once.</summary>
    public int PeakConcurrentTokenRequests => Volatile.Read(ref _peakConcurrentTokenRequests);

    /// <summary>Sets every counter to zero.</summary>
    public void Reset()
    {
        _tokenRequests.Clear();
        _apiCalls.Clear();
        _throttled.Clear();
        Volatile.Write(ref _peakConcurrentTokenRequests, 0);
    }

    internal void CountTokenRequest(string tenantId) => _tokenRequests.AddOrUpdate(tenantId, 1, (_, n) => n + 1);

    internal void CountApiCall(string operationId) => _apiCalls.AddOrUpdate(operationId, 1, (_, n) => n + 1);

    internal void CountThrottledCall(string operationId) => _throttled.AddOrUpdate(operationId, 1, (_, n) => n + 1);

    internal IDisposable TrackTokenRequest()
    {
        var now = Interlocked.Increment(ref _concurrentTokenRequests);
        int peak;
        while (now > (peak = Volatile.Read(ref _peakConcurrentTokenRequests)) && Interlocked.CompareExchange(ref _peakConcurrentTokenRequests, now, peak) != peak)
        {
        }

        return new Release(this);
    }

    private sealed class Release(EmulatorStatistics owner) : IDisposable
    {
        public void Dispose() => Interlocked.Decrement(ref owner._concurrentTokenRequests);
    }
}
