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
/// idempotent methods; otherwise exponential back-off with jitter. Gives up at once when the service asks for a wait
/// longer than <see cref="RetryOptions.MaxDelay"/>, so the caller sees the 429 with its retry time instead of a hang.
/// </summary>
internal sealed partial class DefenderRetryPolicy : HttpPipelinePolicy
{
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

    public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) => ProcessCoreAsync(message, pipeline, async: true);

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        ProcessCoreAsync(message, pipeline, async: false).AsTask().GetAwaiter().GetResult();

    private async ValueTask ProcessCoreAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline, bool async)
    {
        for (var attempt = 0; ; attempt++)
        {
            Exception? failure = null;
            try
            {
                if (async)
                {
                    await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
                }
                else
                {
                    ProcessNext(message, pipeline);
                }
            }
            catch (Exception exception) when (IsTransportFailure(exception, message))
            {
                failure = exception;
            }

            // A list page is read unbuffered; an error's body must be readable to find the wait it names.
            if (failure is null && message.HasResponse && message.Response.Status >= 400)
            {
                await PooledContent.BufferAsync(message.Response, async, message.CancellationToken).ConfigureAwait(false);
            }

            if (attempt >= _maxRetries || !TryGetDelay(message, failure, attempt, out var delay))
            {
                if (failure is not null)
                {
                    throw failure;
                }

                return;
            }

            message.SetProperty(RetryCountProperty, attempt + 1);
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

    // Metrics, a span event and a log line per retry: tenant, operation, status and wait; nothing of the request itself.
    private void Record(HttpMessage message, Exception? failure, int attempt, TimeSpan delay)
    {
        var status = failure is null && message.HasResponse ? message.Response.Status : 0;
        var reason = failure is not null ? "network" : status == 429 ? "throttled" : "server-error";
        var (tenant, operation) = message.TryGetProperty(typeof(DefenderCallContext), out var value) && value is DefenderCallContext call
            ? (call.TenantId, call.Operation.Id)
            : ("", "");
        if (DefenderTelemetry.Retries.Enabled)
        {
            DefenderTelemetry.Retries.Add(1, new("tenant", tenant), new("operation", operation), new("reason", reason));
        }

        if (status == 429)
        {
            DefenderTelemetry.Throttles.Add(1, new KeyValuePair<string, object?>("tenant", tenant), new KeyValuePair<string, object?>("operation", operation));
        }

        Activity.Current?.AddEvent(new ActivityEvent("defender365.retry", tags: new ActivityTagsCollection { ["reason"] = reason, ["http.response.status_code"] = status, ["attempt"] = attempt }));
        DefenderLog.Retrying(_logger, operation, tenant, reason, status, attempt, delay);
    }

    /// <summary>The number of retries a message took (absent when none).</summary>
    internal const string RetryCountProperty = "Defender365.RetryCount";

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
        switch (response.Status)
        {
            case 429:
                // The request was not processed: safe to repeat for any method, after the wait the service asks for.
                var requested = ServerDelay(response);
                if (requested > _maxDelay)
                {
                    return false;
                }

                delay = requested ?? Backoff(attempt);
                return true;
            case 408 or 500 or 502 or 503 or 504 when idempotent:
                delay = ServerDelay(response) is { } server && server <= _maxDelay ? server : Backoff(attempt);
                return true;
            default:
                return false;
        }
    }

    private TimeSpan Backoff(int attempt)
    {
        var baseDelay = _mode == RetryMode.Fixed ? _initialDelay : _initialDelay * Math.Pow(2, attempt);
        var jittered = baseDelay * (0.8 + (Random.Shared.NextDouble() * 0.4));
        return jittered < _maxDelay ? jittered : _maxDelay;
    }

    /// <summary>The wait the service asked for: <c>Retry-After</c> (seconds or date), <c>retry-after-ms</c>, or the 429 body.</summary>
    internal static TimeSpan? ServerDelay(Response response)
    {
        if (response.Headers.TryGetValue("retry-after-ms", out var ms) && double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out var millis))
        {
            return TimeSpan.FromMilliseconds(millis);
        }

        if (response.Headers.TryGetValue("Retry-After", out var retryAfter))
        {
            if (int.TryParse(retryAfter, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds))
            {
                return TimeSpan.FromSeconds(Math.Max(0, seconds));
            }

            if (DateTimeOffset.TryParse(retryAfter, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            {
                var wait = at - DateTimeOffset.UtcNow;
                return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
            }
        }

        return response.Status == 429 ? DelayFromBody(response) : null;
    }

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
            return TimeSpan.FromSeconds(int.Parse(seconds.Groups[1].Value, CultureInfo.InvariantCulture));
        }

        if (QuotaWindow().Match(message) is { Success: true } window
            && TimeSpan.TryParse(window.Groups[1].Value, CultureInfo.InvariantCulture, out var span))
        {
            return span;
        }

        return null;
    }

    private static bool IsIdempotent(RequestMethod method) =>
        method == RequestMethod.Get || method == RequestMethod.Head || method == RequestMethod.Delete
        || method == RequestMethod.Put || method == RequestMethod.Patch || method == RequestMethod.Options;

    private static bool IsTransportFailure(Exception exception, HttpMessage message) =>
        !message.CancellationToken.IsCancellationRequested
        && exception is RequestFailedException { Status: 0 } or IOException or HttpRequestException or TaskCanceledException;

    [GeneratedRegex(@"try again in (\d+) second", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TryAgainIn();

    [GeneratedRegex(@"\bper (\d{1,2}:\d{2}:\d{2})\b", RegexOptions.CultureInvariant)]
    private static partial Regex QuotaWindow();
}

/// <summary>The service's error body: <c>{"error":{"code","message","target"}}</c> (Defender and Graph alike).</summary>
internal readonly record struct ErrorBody(string? Code, string? Message, string? Target)
{
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
                return new ErrorBody(Text(error, "code"), Text(error, "message"), Text(error, "target"));
            }
        }
        catch (JsonException)
        {
            // Not JSON (a gateway's HTML page): no structured error.
        }

        return default;

        static string? Text(JsonElement e, string name) =>
            e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
    }
}
