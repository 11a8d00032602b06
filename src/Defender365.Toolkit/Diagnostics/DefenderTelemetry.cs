using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Defender365.Toolkit.Diagnostics;

/// <summary>
/// The toolkit's traces and metrics, for OpenTelemetry or any <see cref="ActivityListener"/>/<see cref="MeterListener"/>:
/// <c>builder.Services.AddOpenTelemetry().WithTracing(t =&gt; t.AddSource(DefenderTelemetry.Name)).WithMetrics(m =&gt; m.AddMeter(DefenderTelemetry.Name))</c>.
/// Tags carry scopes and operation ids (tenant ids on spans always, on metrics only with <see cref="TenantTagOnMetrics"/>),
/// never a token or secret.
/// </summary>
/// <remarks>
/// Metrics: <c>defender365.token.requests</c> (tokens handed out; tags <c>scope</c>, <c>source</c> =
/// <c>cache</c>, <c>service</c> or <c>failure</c>), <c>defender365.token.duration</c> (seconds per token-service request),
/// <c>defender365.http.retries</c> (tags <c>operation</c>, <c>reason</c> = <c>throttled</c>,
/// <c>server-error</c> or <c>network</c>), <c>defender365.http.throttles</c> (429 answers; tag <c>operation</c>); each
/// with <c>tenant</c> too when <see cref="TenantTagOnMetrics"/> is on. Traces: one <c>Defender365 {operation}</c> span per
/// operation call, retries and token included (tags <c>operation</c>, <c>tenant</c>, <c>resource</c>, <c>error.type</c>;
/// a list makes one per page), a <c>defender365.retry</c> event on it per retry, and a <c>Defender365 token</c> span per
/// token-service request (tags <c>tenant</c>, <c>scope</c>, <c>error.type</c>).
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

    /// <summary>
    /// Whether metric points carry a <c>tenant</c> tag. Off by default: at thousands of tenants every instrument would
    /// keep a time series per tenant (and per operation), which metric back ends bill and choke on. Spans and log events
    /// always carry the tenant. Turn it on for a handful of tenants, or to find which tenant is near its quota.
    /// </summary>
    public static bool TenantTagOnMetrics { get; set; }

    /// <summary>The span of one operation call (one page of a list), or null when nobody listens.</summary>
    internal static Activity? StartOperation(string operationId, string tenant, string resource)
    {
        var activity = Source.StartActivity("Defender365 " + operationId, ActivityKind.Internal);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("operation", operationId);
            activity.SetTag("tenant", tenant);
            activity.SetTag("resource", resource);
        }

        return activity;
    }

    /// <summary>Marks a span failed with the kind of failure (never its message, which may hold service text).</summary>
    internal static void Failed(Activity? activity, string errorType)
    {
        if (activity is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error);
            activity.SetTag("error.type", errorType);
        }
    }

    internal static void TokenHandedOut(string tenant, string scope, string source)
    {
        // Checked first: the cache path runs millions of times a second and must not build tags for nobody.
        if (TokenRequests.Enabled)
        {
            var tags = new TagList { { "scope", scope }, { "source", source } };
            AddTenant(ref tags, tenant);
            TokenRequests.Add(1, tags);
        }
    }

    internal static void TokenServiceDuration(string tenant, double seconds)
    {
        if (TokenDuration.Enabled)
        {
            var tags = default(TagList);
            AddTenant(ref tags, tenant);
            TokenDuration.Record(seconds, tags);
        }
    }

    internal static void Retry(string tenant, string operation, string reason, bool throttled)
    {
        if (Retries.Enabled)
        {
            var tags = new TagList { { "operation", operation }, { "reason", reason } };
            AddTenant(ref tags, tenant);
            Retries.Add(1, tags);
        }

        if (throttled && Throttles.Enabled)
        {
            var tags = new TagList { { "operation", operation } };
            AddTenant(ref tags, tenant);
            Throttles.Add(1, tags);
        }
    }

    private static void AddTenant(ref TagList tags, string tenant)
    {
        if (TenantTagOnMetrics)
        {
            tags.Add("tenant", tenant);
        }
    }
}
