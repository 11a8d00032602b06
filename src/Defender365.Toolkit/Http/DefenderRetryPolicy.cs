using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Defender365.Toolkit.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Defender365.Toolkit.Http;

/// <summary>
/// Retries throttled and failed calls as the Defender APIs document: HTTP 429 for every method, waiting what the service
/// asks (the <c>Retry-After</c> header, or the wait the error body names); 408/5xx and network failures only for
/// idempotent methods; otherwise exponential back-off with jitter. An attempt is the request and the reading of its body:
/// a connection dropped mid-body is a network failure like any other. A wait the service names is read defensively (a
/// negative, non-numeric or unreadable value is ignored in favour of the back-off) and never waited beyond
/// <see cref="RetryOptions.MaxDelay"/>: a longer one ends the call at once with the wait it asked for, never in a hang.
/// </summary>
internal sealed partial class DefenderRetryPolicy : AsyncPipelinePolicy
{
    /// <summary>How many times the message was sent (set after each attempt).</summary>
    internal const string AttemptsProperty = "Defender365.Attempts";

    // A wait longer than TimeSpan can hold (a body saying "99999999999999999999 seconds") is this: longer than any maximum.
    private static readonly double MaxSeconds = TimeSpan.MaxValue.TotalSeconds - 1;

    private readonly int _maxRetries;
    private readonly TimeSpan _initialDelay;
    private readonly TimeSpan _maxDelay;
    private readonly RetryMode _mode;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public DefenderRetryPolicy(RetryOptions options, TimeProvider time, ILoggerFactory? loggerFactory = null)
    {
        _logger = loggerFactory?.CreateLogger(DefenderLog.HttpCategory) ?? NullLogger.Instance;
        _maxRetries = options.MaxRetries;
        _initialDelay = options.Delay;
        _maxDelay = options.MaxDelay;
        _mode = options.Mode;
        _time = time;
    }

    protected override async ValueTask ProcessCoreAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline, bool async)
    {
        for (var attempt = 0; ; attempt++)
        {
            Exception? failure = null;
            try
            {
                await SendNextAsync(message, pipeline, async).ConfigureAwait(false);

                await ReadBodyAsync(message, async).ConfigureAwait(false);
            }
            catch (Exception exception) when (IsTransportFailure(exception, message))
            {
                failure = exception;
            }

            message.SetProperty(AttemptsProperty, attempt + 1);
            if (attempt >= _maxRetries || !TryGetDelay(message, failure, attempt, out var delay))
            {
                if (failure is not null)
                {
                    throw failure;
                }

                return;
            }

            Record(message, failure, attempt + 1, delay);
            if (async)
            {
                await Task.Delay(delay, _time, message.CancellationToken).ConfigureAwait(false);
            }
            else
            {
                Task.Delay(delay, _time, message.CancellationToken).GetAwaiter().GetResult();
            }
        }
    }

    // Part of the attempt: an error's body (to find the wait it names), or a list page the caller asked to be pooled.
    private static async ValueTask ReadBodyAsync(HttpMessage message, bool async)
    {
        if (!message.HasResponse)
        {
            return;
        }

        if (message.Response.Status >= 300)
        {
            await PooledContent.BufferErrorAsync(message.Response, async, message.CancellationToken).ConfigureAwait(false);
        }
        else
        {
            await PooledContent.ReadRequestedAsync(message, async).ConfigureAwait(false);
        }
    }

    // Metrics, a span event and a log line per retry: tenant, operation, status and wait; nothing of the request itself.
    private void Record(HttpMessage message, Exception? failure, int attempt, TimeSpan delay)
    {
        var status = failure is null && message.HasResponse ? message.Response.Status : 0;
        var reason = failure is not null ? "network" : status == 429 ? "throttled" : "server-error";
        var (tenant, operation) = message.TryGetProperty(typeof(DefenderCallContext), out var value) && value is DefenderCallContext call
            ? (call.TenantId, call.Operation.Id)
            : ("", "");
        DefenderTelemetry.Retry(tenant, operation, reason, throttled: status == 429);

        Activity.Current?.AddEvent(new ActivityEvent("defender365.retry", tags: new ActivityTagsCollection { ["reason"] = reason, ["http.response.status_code"] = status, ["attempt"] = attempt }));
        DefenderLog.Retrying(_logger, operation, tenant, reason, status, attempt, delay);
    }

    private bool TryGetDelay(HttpMessage message, Exception? failure, int attempt, out TimeSpan delay)
    {
        delay = default;
        var idempotent = IsIdempotent(message.Request.Method);
        if (failure is not null)
        {
            if (!idempotent)
            {
                return false;
            }

            delay = Backoff(attempt);
            return true;
        }

        var response = message.Response;
        var retryable = response.Status == 429 // not processed: safe to repeat for any method
            || (response.Status is 408 or 500 or 502 or 503 or 504 && idempotent);
        if (!retryable)
        {
            return false;
        }

        var requested = ServerDelay(response, _time);
        if (requested > _maxDelay)
        {
            return false;
        }

        delay = requested ?? Backoff(attempt);
        return true;
    }

    private TimeSpan Backoff(int attempt)
    {
        var baseDelay = _mode == RetryMode.Fixed ? _initialDelay : _initialDelay * Math.Pow(2, Math.Min(attempt, 30));
        var jittered = baseDelay * (0.8 + (Random.Shared.NextDouble() * 0.4));
        return jittered < _maxDelay ? jittered : _maxDelay;
    }

    /// <summary>
    /// The wait the service asked for: <c>retry-after-ms</c>, <c>Retry-After</c> (seconds or an HTTP date), or for a 429
    /// the wait its body names. A value that is negative, not a number or not finite is no wait at all (<see langword="null"/>);
    /// one too large for <see cref="TimeSpan"/> is <see cref="TimeSpan.MaxValue"/>.
    /// </summary>
    internal static TimeSpan? ServerDelay(Response response, TimeProvider time)
    {
        if (response.Headers.TryGetValue("retry-after-ms", out var ms)
            && double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out var millis)
            && double.IsFinite(millis) && millis >= 0)
        {
            return FromSeconds(millis / 1000);
        }

        if (response.Headers.TryGetValue("Retry-After", out var retryAfter) && !string.IsNullOrWhiteSpace(retryAfter))
        {
            // delta-seconds is digits only (RFC 9110 §10.2.3); a sign or a fraction is not a wait.
            if (retryAfter.Trim().All(char.IsAsciiDigit))
            {
                return FromSeconds(double.Parse(retryAfter, NumberStyles.None | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture));
            }

            if (DateTimeOffset.TryParse(retryAfter, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            {
                var wait = at - time.GetUtcNow();
                return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
            }
        }

        return response.Status == 429 ? DelayFromBody(response) : null;
    }

    private static TimeSpan FromSeconds(double seconds) => seconds >= MaxSeconds ? TimeSpan.MaxValue : TimeSpan.FromSeconds(seconds);

    /// <summary>
    /// Defender XDR states the wait in the error message instead of a header ("… Try again in 5 seconds."); the hunting
    /// quota says which window was exhausted ("… maximum allowed 45 per 00:01:00").
    /// </summary>
    private static TimeSpan? DelayFromBody(Response response)
    {
        var message = ErrorBody.Read(response).Message;
        if (message is null)
        {
            return null;
        }

        if (TryAgainIn().Match(message) is { Success: true } seconds)
        {
            return FromSeconds(double.Parse(seconds.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture));
        }

        if (QuotaWindow().Match(message) is { Success: true } window
            && TimeSpan.TryParse(window.Groups[1].Value, CultureInfo.InvariantCulture, out var span)
            && span >= TimeSpan.Zero)
        {
            return span;
        }

        return null;
    }

    private static bool IsIdempotent(RequestMethod method) =>
        method == RequestMethod.Get || method == RequestMethod.Head || method == RequestMethod.Delete
        || method == RequestMethod.Put || method == RequestMethod.Patch || method == RequestMethod.Options;

    // A timeout (the network timeout, or a body that stalls) is an OperationCanceledException the caller did not ask for.
    // The toolkit's own refusals (a quota with no room) are decisions, not failures to retry.
    private static bool IsTransportFailure(Exception exception, HttpMessage message) =>
        !message.CancellationToken.IsCancellationRequested
        && exception is not DefenderRequestException
        && exception is RequestFailedException { Status: 0 } or IOException or HttpRequestException or OperationCanceledException;

    [GeneratedRegex(@"try again in (\d{1,30}) second", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TryAgainIn();

    [GeneratedRegex(@"\bper (\d{1,2}:\d{2}:\d{2})\b", RegexOptions.CultureInvariant)]
    private static partial Regex QuotaWindow();
}

/// <summary>The service's error body: <c>{"error":{"code","message","target"}}</c> (Defender and Graph alike).</summary>
internal readonly record struct ErrorBody(string? Code, string? Message, string? Target)
{
    /// <summary>The longest service message kept (the rest is cut and marked with an ellipsis).</summary>
    public const int MaxMessageLength = 2048;

    public static ErrorBody Read(Response response)
    {
        var content = response.Content;
        if (content is null || content.ToMemory().Length == 0)
        {
            return default;
        }

        try
        {
            using var document = JsonDocument.Parse(content.ToMemory());
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("error", out var error)
                && error.ValueKind == JsonValueKind.Object)
            {
                return new ErrorBody(Text(error, "code", 200), Text(error, "message", MaxMessageLength), Text(error, "target", 200));
            }
        }
        catch (JsonException)
        {
            // Not JSON (a gateway's HTML page): no structured error.
        }

        return default;

        // A server controls these lengths: an exception message stays readable whatever it sends.
        static string? Text(JsonElement e, string name, int max) =>
            e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { } text
                ? text.Length <= max ? text : string.Concat(text.AsSpan(0, max), "…")
                : null;
    }
}
