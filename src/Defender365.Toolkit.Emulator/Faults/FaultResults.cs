using System.Globalization;
using System.Text.Json.Nodes;
using Defender365.Toolkit.Catalog;
using Defender365.Toolkit.Emulator.Api;

namespace Defender365.Toolkit.Emulator.Faults;

/// <summary>The answers of a fired <see cref="EmulatorFaultRule"/>, in the shapes the real services use.</summary>
internal static class FaultResults
{
    /// <summary>
    /// The fault's answer, or <see langword="null"/> when the call goes on to its handler: a timeout has then held it for
    /// its seconds, and a body fault wraps the handler's answer (<see cref="Wrap"/>).
    /// </summary>
    public static async Task<IResult?> BeforeHandlerAsync(HttpContext http, bool graph, DefenderOperation operation, EmulatorFaultRule rule, EmulatorFaults faults, string tenantId, TimeProvider time)
    {
        switch (rule.Fault)
        {
            case EmulatorFaultKind.ConnectionReset:
                http.Abort();
                return Results.Empty;
            case EmulatorFaultKind.Timeout:
                await Task.Delay(TimeSpan.FromSeconds(rule.Seconds), time, http.RequestAborted).ConfigureAwait(false);
                return null;
            case EmulatorFaultKind.ThrottleRetryAfter:
            case EmulatorFaultKind.ThrottleRetryAfterMs:
            case EmulatorFaultKind.ThrottleInBody:
                return Throttled(http, graph, operation, TimeSpan.FromSeconds(rule.Seconds), rule.Fault);
            case EmulatorFaultKind.Quota:
                var (limit, window, retryAfter) = faults.QuotaState(rule, tenantId);
                if (window == TimeSpan.Zero)
                {
                    // As Graph answers a Secure Score call over its concurrency limit.
                    http.Response.Headers.RetryAfter = "1";
                    return ApiRequest.Error(http, graph, 429, "TooManyRequests", $"Too many concurrent requests: at most {limit} per tenant at once.");
                }

                // As advanced hunting answers: the window in the message, no header.
                return ApiRequest.Error(http, graph, 429, "TooManyRequests",
                    $"API calls quota exceeded! maximum allowed {limit} per {window:hh\\:mm\\:ss}. Try again in {Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))} seconds.");
            case EmulatorFaultKind.ServerError:
                return ApiRequest.Error(http, graph, rule.Status, rule.Status == 503 ? "ServiceUnavailable" : "InternalServerError", "The service is temporarily unavailable. Retry the request.");
            case EmulatorFaultKind.DisabledFeature:
                return ApiRequest.Error(http, graph, 403, "DisabledFeature", "Tenant feature is not enabled.");
            default:
                return null;
        }
    }

    /// <summary>HTTP 429 with the wait where the rule puts it: <c>Retry-After</c>, <c>retry-after-ms</c>, or only the message.</summary>
    public static IResult Throttled(HttpContext http, bool graph, DefenderOperation operation, TimeSpan retryAfter, EmulatorFaultKind shape)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        if (shape == EmulatorFaultKind.ThrottleRetryAfter)
        {
            http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }
        else if (shape == EmulatorFaultKind.ThrottleRetryAfterMs)
        {
            http.Response.Headers["retry-after-ms"] = ((long)retryAfter.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        }

        var limit = operation.RateLimit.PerMinute ?? 100;
        return ApiRequest.Error(http, graph, 429, "TooManyRequests", $"API calls quota exceeded! maximum allowed {limit} per 00:01:00. Try again in {seconds} seconds.");
    }

    /// <summary>The handler's answer, damaged in transit as the rule says; other rules leave it as it is.</summary>
    public static IResult Wrap(IResult inner, EmulatorFaultRule rule, TimeProvider time) => rule.Fault switch
    {
        EmulatorFaultKind.DropMidBody or EmulatorFaultKind.StallBody or EmulatorFaultKind.LyingContentLength or EmulatorFaultKind.RepeatNextLink
            => new DamagedResult(inner, rule, time),
        _ => inner,
    };

    private sealed class DamagedResult(IResult inner, EmulatorFaultRule rule, TimeProvider time) : IResult
    {
        public async Task ExecuteAsync(HttpContext http)
        {
            // Render the real answer first, then send it damaged.
            var original = http.Response.Body;
            var buffer = new MemoryStream();
            http.Response.Body = buffer;
            try
            {
                await inner.ExecuteAsync(http).ConfigureAwait(false);
            }
            finally
            {
                http.Response.Body = original;
            }

            var body = buffer.ToArray();
            if (rule.Fault == EmulatorFaultKind.RepeatNextLink)
            {
                body = PointNextLinkBack(http, body);
                http.Response.ContentLength = body.Length;
                await original.WriteAsync(body, http.RequestAborted).ConfigureAwait(false);
                return;
            }

            var sent = rule.Fault switch
            {
                EmulatorFaultKind.DropMidBody => Math.Min(body.Length, rule.AfterBytes ?? body.Length / 2),
                EmulatorFaultKind.StallBody => body.Length / 2,
                _ => body.Length,
            };
            http.Response.ContentLength = rule.Fault == EmulatorFaultKind.LyingContentLength ? ((long)body.Length * 1000) + 1 : body.Length;
            await original.WriteAsync(body.AsMemory(0, sent), http.RequestAborted).ConfigureAwait(false);
            await original.FlushAsync(http.RequestAborted).ConfigureAwait(false);
            if (rule.Fault == EmulatorFaultKind.StallBody)
            {
                await Task.Delay(TimeSpan.FromSeconds(rule.Seconds), time, http.RequestAborted).ConfigureAwait(false);
                await original.WriteAsync(body.AsMemory(sent), http.RequestAborted).ConfigureAwait(false);
                return;
            }

            // Dropped mid-body, or fewer bytes than the header claims: the connection goes, as a failing proxy's does.
            http.Abort();
        }

        private static byte[] PointNextLinkBack(HttpContext http, byte[] body)
        {
            if (JsonNode.Parse(body) is JsonObject page && page.ContainsKey("@odata.nextLink"))
            {
                var request = http.Request;
                page["@odata.nextLink"] = $"{request.Scheme}://{request.Host}{request.PathBase}{request.Path}{request.QueryString}";
                return System.Text.Encoding.UTF8.GetBytes(page.ToJsonString());
            }

            return body;
        }
    }
}
