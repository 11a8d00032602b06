using Azure.Core;
using Azure.Core.Pipeline;
using Defender365.Toolkit.Catalog;
using Defender365.Toolkit.Quotas;
using Microsoft.Extensions.Logging;

namespace Defender365.Toolkit.Http;

/// <summary>Options of the Defender clients: cloud, endpoints, permission pre-check, retries and quotas.</summary>
/// <remarks>
/// Retries: <see cref="ClientOptions.Retry"/> sets the attempts and delays (defaults: 3 retries, 1 s initial delay,
/// exponential, at most 60 s between attempts). HTTP 429 is retried for every method, waiting as long as the service
/// asks (<c>Retry-After</c>, or the wait the error body names). 5xx and network failures are retried for GET, PATCH and
/// DELETE only: a POST such as "isolate machine" is not repeated unless the service said it did not process it.
/// <para>
/// A client or invoker copies its options when it is created: changing them afterwards changes nothing for it, and it
/// never writes into them.
/// </para>
/// </remarks>
public class DefenderClientOptions : ClientOptions
{
    /// <summary>Creates options with the defaults.</summary>
    public DefenderClientOptions()
    {
        Retry.MaxRetries = 3;
        Retry.Delay = TimeSpan.FromSeconds(1);
        Retry.MaxDelay = TimeSpan.FromSeconds(60);
        Retry.Mode = RetryMode.Exponential;
    }

    /// <summary>The cloud: picks API hosts and token audiences. Default: <see cref="DefenderCloud.Commercial"/>.</summary>
    public DefenderCloud Cloud { get; set; } = DefenderCloud.Commercial;

    /// <summary>
    /// Base URLs per resource id (<see cref="DefenderResourceIds"/>) that replace the cloud's default, for example a
    /// regional host (<c>https://eu.api.security.microsoft.com</c>) or the local emulator. The token audience stays the
    /// resource's.
    /// </summary>
    public IDictionary<string, Uri> Endpoints { get; } = new Dictionary<string, Uri>(StringComparer.Ordinal);

    /// <summary>
    /// Check before each call that the tenant's token grants a permission the operation accepts, and fail with
    /// <see cref="Authorization.MissingPermissionException"/> without sending the request. Default: on.
    /// </summary>
    public bool ValidatePermissions { get; set; } = true;

    /// <summary>
    /// When the pre-check finds a permission missing, fetch one fresh token first (a cached token keeps the roles it
    /// was issued with; consent granted since shows only in a new token). Default: on.
    /// </summary>
    public bool RefreshTokenBeforeReportingMissingPermission { get; set; } = true;

    /// <summary>
    /// The least time between two fresh tokens forced for one tenant and API by a refusal (a missing role before the
    /// call, a 401 from the API). Roles in a new token change no faster than consent propagates, and the token service
    /// throttles apps that ask on every call. Default: 1 minute.
    /// </summary>
    public TimeSpan TokenRefreshInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The sign-in host for admin-consent links in error messages; default: the cloud's.</summary>
    public Uri? AuthorityHost { get; set; }

    /// <summary>Items per request for <c>$top</c>/<c>$skip</c> lists when the caller gives no page size; capped by the operation's maximum. Default 1,000.</summary>
    public int DefaultPageSize { get; set; } = 1000;

    /// <summary>
    /// The largest list page read, in bytes; a larger page ends the listing with
    /// <see cref="DefenderRequestFailure.ResponseTooLarge"/>. Buffers grow with what arrives, never with what the
    /// <c>Content-Length</c> header claims. Default 128 MiB (the largest documented result, advanced hunting's, is 124 MB).
    /// </summary>
    public int MaxResponseBytes { get; set; } = 128 * 1024 * 1024;

    /// <summary>
    /// The most pages one listing fetches; more ends it with <see cref="DefenderRequestFailure.PageLimitExceeded"/>
    /// (a never-ending next-link chain stops here). Default 10,000: a million items at 100 per page.
    /// </summary>
    public int MaxPagesPerList { get; set; } = 10_000;

    /// <summary>
    /// Where retries and throttling are logged (category <c>Defender365.Toolkit.Http</c>): operation, tenant, status and
    /// wait, never a token or a body. Default: none. Set by <c>AddDefenderClient</c>.
    /// </summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>The clock used for retry waits. Default: <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// Keep each tenant's calls within the quotas the APIs document (calls wait for room instead of drawing 429s) and
    /// pause a tenant's quota for the wait a 429 names. Default: on.
    /// </summary>
    public bool UseQuotas { get; set; } = true;

    /// <summary>The quota governor's waits and pauses, for the governor a client creates when <see cref="QuotaLimiter"/> is not set.</summary>
    public DefenderQuotaOptions Quotas { get; } = new();

    /// <summary>
    /// The quota governor the clients share, for example one counting in Redis for every instance of the app
    /// (<c>AddDefenderRedis</c> registers it). Default: none, and each client counts in its process with <see cref="Quotas"/>.
    /// </summary>
    public DefenderQuotaLimiter? QuotaLimiter { get; set; }

    // Policies added through this type, so a snapshot can add them to its own pipeline (ClientOptions keeps its list
    // to itself).
    private readonly List<(HttpPipelinePolicy Policy, HttpPipelinePosition Position)> _policies = [];

    /// <summary>Adds a policy to the pipeline of the clients created with these options.</summary>
    /// <param name="policy">The policy.</param>
    /// <param name="position">Once per call, or once per attempt (inside the retries).</param>
    public new void AddPolicy(HttpPipelinePolicy policy, HttpPipelinePosition position)
    {
        ArgumentNullException.ThrowIfNull(policy);
        base.AddPolicy(policy, position);
        _policies.Add((policy, position));
    }

    /// <summary>
    /// A copy of every setting, taken when a client is created, so that later changes to these options (by the app, or
    /// by another client created from them) cannot change a client that is already running.
    /// </summary>
    internal DefenderClientOptions Snapshot()
    {
        var copy = new DefenderClientOptions
        {
            Cloud = Cloud,
            ValidatePermissions = ValidatePermissions,
            RefreshTokenBeforeReportingMissingPermission = RefreshTokenBeforeReportingMissingPermission,
            TokenRefreshInterval = TokenRefreshInterval,
            AuthorityHost = AuthorityHost,
            DefaultPageSize = DefaultPageSize,
            MaxResponseBytes = MaxResponseBytes,
            MaxPagesPerList = MaxPagesPerList,
            LoggerFactory = LoggerFactory,
            TimeProvider = TimeProvider,
            UseQuotas = UseQuotas,
            QuotaLimiter = QuotaLimiter,
            Transport = Transport,
            RetryPolicy = RetryPolicy,
        };
        foreach (var (resource, baseUrl) in Endpoints)
        {
            copy.Endpoints[resource] = baseUrl;
        }

        Quotas.CopyTo(copy.Quotas);

        (copy.Retry.MaxRetries, copy.Retry.Delay, copy.Retry.MaxDelay, copy.Retry.Mode, copy.Retry.NetworkTimeout) =
            (Retry.MaxRetries, Retry.Delay, Retry.MaxDelay, Retry.Mode, Retry.NetworkTimeout);
        var diagnostics = copy.Diagnostics;
        diagnostics.ApplicationId = Diagnostics.ApplicationId;
        diagnostics.IsLoggingEnabled = Diagnostics.IsLoggingEnabled;
        diagnostics.IsLoggingContentEnabled = Diagnostics.IsLoggingContentEnabled;
        diagnostics.LoggedContentSizeLimit = Diagnostics.LoggedContentSizeLimit;
        diagnostics.IsDistributedTracingEnabled = Diagnostics.IsDistributedTracingEnabled;
        diagnostics.IsTelemetryEnabled = Diagnostics.IsTelemetryEnabled;
        Replace(diagnostics.LoggedHeaderNames, Diagnostics.LoggedHeaderNames);
        Replace(diagnostics.LoggedQueryParameters, Diagnostics.LoggedQueryParameters);

        foreach (var (policy, position) in _policies)
        {
            copy.AddPolicy(policy, position);
        }

        return copy;
    }

    private static void Replace(IList<string> target, IList<string> source)
    {
        target.Clear();
        foreach (var item in source)
        {
            target.Add(item);
        }
    }

    internal DefenderCloudEndpoint Endpoint(DefenderResource resource)
    {
        var endpoint = resource.GetEndpoint(Cloud);
        if (Endpoints.TryGetValue(resource.Id, out var baseUrl))
        {
            endpoint = endpoint with { ApiBaseUrl = baseUrl };
        }

        return AuthorityHost is { } host ? endpoint with { AuthorityHost = host } : endpoint;
    }
}
