using System.Globalization;
using System.Threading.RateLimiting;
using Azure.Core;
using Azure.Core.Pipeline;
using Defender365.Toolkit.Quotas;

namespace Defender365.Toolkit.Http;

/// <summary>
/// Each attempt waits for room in its tenant's quota (<see cref="DefenderQuotaLimiter"/>) before it is sent, holds a
/// request slot while it is in flight where the quota limits those, and teaches the governor every 429: the tenant's
/// quota pauses for the wait the service names, on every instance that shares it.
/// </summary>
/// <remarks>After the permission check (a refused call takes no room) and inside the retries (each attempt counts at the service).</remarks>
internal sealed class QuotaPolicy : AsyncPipelinePolicy
{
    private readonly DefenderQuotaLimiter _limiter;
    private readonly TimeProvider _time;

    public QuotaPolicy(DefenderQuotaLimiter limiter, TimeProvider time)
    {
        _limiter = limiter;
        _time = time;
    }

    protected override async ValueTask ProcessCoreAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline, bool async)
    {
        var call = DefenderCallContext.Of(message);
        var request = new DefenderQuotaRequest(call.Operation, call.TenantId);
        // Both paths wait alike; the synchronous one blocks while it waits, as it does on the network.
        using var lease = async
            ? await _limiter.AcquireAsync(request, 1, message.CancellationToken).ConfigureAwait(false)
            : _limiter.AcquireAsync(request, 1, message.CancellationToken).AsTask().GetAwaiter().GetResult();
        if (!lease.IsAcquired)
        {
            throw Exhausted(message, call, lease);
        }

        await SendNextAsync(message, pipeline, async).ConfigureAwait(false);

        if (message.HasResponse && message.Response.Status == 429)
        {
            // The wait may be named only in the body (advanced hunting): read it now, as the retry policy would.
            await PooledContent.BufferErrorAsync(message.Response, async, message.CancellationToken).ConfigureAwait(false);
            // Read as defensively as the retry policy reads it (unreadable: no wait; huge: TimeSpan.MaxValue, which the
            // governor caps at MaxPause).
            var named = DefenderRetryPolicy.ServerDelay(message.Response, _time);
            var pause = named is { } wait && wait > TimeSpan.Zero ? wait : _limiter.Settings.DefaultPause;
            await _limiter.PauseAsync(request, pause, message.CancellationToken).ConfigureAwait(false);
        }
    }

    private DefenderRequestException Exhausted(HttpMessage message, DefenderCallContext call, RateLimitLease lease)
    {
        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.Zero;
        lease.TryGetMetadata(MetadataName.ReasonPhrase, out var reason);
        // This attempt was not sent: only those before it count (0 when it was the first).
        var attempts = message.TryGetProperty(DefenderRetryPolicy.AttemptsProperty, out var count) && count is int sent ? sent : 0;
        var maxWait = _limiter.Settings.MaxWait.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
        var text = $"{call.Operation.Id} for tenant '{call.TenantId}' was not sent: {reason ?? "its quota has no room"}, longer than the {maxWait} s a call waits at most (DefenderClientOptions.Quotas.MaxWait).";
        return new DefenderRequestException(text, DefenderRequestFailure.QuotaExhausted, status: 0, errorCode: null, serviceMessage: null, target: null, requestId: null, call.Operation.Id, call.TenantId,
            retryAfter: retryAfter > TimeSpan.Zero ? retryAfter : null, attempts);
    }
}
