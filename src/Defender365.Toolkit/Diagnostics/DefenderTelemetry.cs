using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Defender365.Toolkit.Diagnostics;

/// <summary>
/// The toolkit's traces and metrics, for OpenTelemetry or any <see cref="ActivityListener"/>/<see cref="MeterListener"/>:
/// <c>builder.Services.AddOpenTelemetry().WithTracing(t =&gt; t.AddSource(DefenderTelemetry.Name)).WithMetrics(m =&gt; m.AddMeter(DefenderTelemetry.Name))</c>.
/// Tags carry tenant ids, scopes and operation ids, never a token or secret.
/// </summary>
/// <remarks>
/// Metrics: <c>defender365.token.requests</c> (tokens handed out; tags <c>tenant</c>, <c>scope</c>, <c>source</c> =
/// <c>cache</c>, <c>service</c> or <c>failure</c>), <c>defender365.token.duration</c> (seconds per token-service request),
/// <c>defender365.http.retries</c> (tags <c>tenant</c>, <c>operation</c>, <c>reason</c> = <c>throttled</c>,
/// <c>server-error</c> or <c>network</c>), <c>defender365.http.throttles</c> (429 answers; tags <c>tenant</c>,
/// <c>operation</c>). Traces: a <c>Defender365 token</c> span per token-service request (tags <c>tenant</c>,
/// <c>scope</c>, <c>error.type</c>), and a <c>defender365.retry</c> event on the current span per retry.
/// </remarks>
public static class DefenderTelemetry
{
    /// <summary>The name of the <see cref="ActivitySource"/> and the <see cref="Meter"/>.</summary>
    public const string Name = "Defender365.Toolkit";

    private static readonly string? Version = typeof(DefenderTelemetry).Assembly.GetName().Version?.ToString();

    internal static readonly ActivitySource Source = new(Name, Version);

    internal static readonly Meter Meter = new(Name, Version);

    internal static readonly Counter<long> TokenRequests = Meter.CreateCounter<long>(
        "defender365.token.requests", unit: "{token}", description: "Tokens handed out per tenant and scope, from the cache or the token service, and failures.");

    internal static readonly Histogram<double> TokenDuration = Meter.CreateHistogram<double>(
        "defender365.token.duration", unit: "s", description: "Time of a token-service request.");

    internal static readonly Counter<long> Retries = Meter.CreateCounter<long>(
        "defender365.http.retries", unit: "{retry}", description: "Requests sent again: throttled (429), server errors, network failures.");

    internal static readonly Counter<long> Throttles = Meter.CreateCounter<long>(
        "defender365.http.throttles", unit: "{response}", description: "HTTP 429 answers of the Defender APIs, per tenant and operation.");

    internal static void TokenHandedOut(string tenant, string scope, string source)
    {
        // Checked first: the cache path runs millions of times a second and must not build tags for nobody.
        if (TokenRequests.Enabled)
        {
            TokenRequests.Add(1, new("tenant", tenant), new("scope", scope), new("source", source));
        }
    }
}
