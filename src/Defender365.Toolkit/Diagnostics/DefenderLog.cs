using Defender365.Toolkit.Authentication;
using Microsoft.Extensions.Logging;

namespace Defender365.Toolkit.Diagnostics;

/// <summary>
/// Every log message of the toolkit, in one place so it is plain what is written: tenant ids, scopes, operations, times
/// and AADSTS codes; never a token, a secret or a request body.
/// </summary>
internal static partial class DefenderLog
{
    /// <summary>The category of token acquisition messages.</summary>
    public const string AuthenticationCategory = "Defender365.Toolkit.Authentication";

    /// <summary>The category of API call messages.</summary>
    public const string HttpCategory = "Defender365.Toolkit.Http";

    [LoggerMessage(EventId = 1, EventName = "TokenAcquired", Level = LogLevel.Debug,
        Message = "Token for tenant {TenantId} and {Scope} acquired from the token service in {ElapsedMilliseconds} ms; it expires at {ExpiresOn:u}.")]
    public static partial void TokenAcquired(ILogger logger, string tenantId, string scope, long elapsedMilliseconds, DateTimeOffset expiresOn);

    [LoggerMessage(EventId = 2, EventName = "TokenFailed", Level = LogLevel.Warning,
        Message = "No token for tenant {TenantId} and {Scope}: {Failure} (AADSTS {ErrorCodes}).")]
    public static partial void TokenFailed(ILogger logger, string tenantId, string scope, DefenderAuthenticationFailure failure, string errorCodes);

    [LoggerMessage(EventId = 3, EventName = "Retrying", Level = LogLevel.Information,
        Message = "{Operation} for tenant {TenantId}: {Reason} (HTTP {Status}), attempt {Attempt} in {Delay}.")]
    public static partial void Retrying(ILogger logger, string operation, string tenantId, string reason, int status, int attempt, TimeSpan delay);

    [LoggerMessage(EventId = 4, EventName = "HttpRequestCompleted", Level = LogLevel.Debug,
        Message = "HTTP {Method} {Address} answered {Status} in {ElapsedMilliseconds} ms.")]
    public static partial void HttpRequestCompleted(ILogger logger, string method, string address, int status, long elapsedMilliseconds);

    [LoggerMessage(EventId = 5, EventName = "HttpRequestFailed", Level = LogLevel.Debug,
        Message = "HTTP {Method} {Address} failed after {ElapsedMilliseconds} ms: {ExceptionType}.")]
    public static partial void HttpRequestFailed(ILogger logger, string method, string address, string exceptionType, long elapsedMilliseconds);

    [LoggerMessage(EventId = 6, EventName = "SharedCacheUnavailable", Level = LogLevel.Warning,
        Message = "The shared token cache is unavailable ({Reason}); tokens come from this instance's cache and the token service, and the shared cache is tried again in {RetryAfter} (then less often while it still fails).")]
    public static partial void SharedCacheUnavailable(ILogger logger, string reason, TimeSpan retryAfter);

    [LoggerMessage(EventId = 7, EventName = "SharedCacheRecovered", Level = LogLevel.Information,
        Message = "The shared token cache is available again.")]
    public static partial void SharedCacheRecovered(ILogger logger);

    [LoggerMessage(EventId = 8, EventName = "SharedTokenUnreadable", Level = LogLevel.Debug,
        Message = "A shared token cache entry could not be read with this key (another key, or damaged); it is replaced.")]
    public static partial void SharedTokenUnreadable(ILogger logger);

    [LoggerMessage(EventId = 9, EventName = "SharedQuotasUnavailable", Level = LogLevel.Warning,
        Message = "The shared quota store is unavailable ({Reason}); this instance counts its calls against the quotas alone, and the shared store is tried again in {RetryAfter} (then less often while it still fails).")]
    public static partial void SharedQuotasUnavailable(ILogger logger, string reason, TimeSpan retryAfter);

    [LoggerMessage(EventId = 10, EventName = "SharedQuotasRecovered", Level = LogLevel.Information,
        Message = "The shared quota store is available again.")]
    public static partial void SharedQuotasRecovered(ILogger logger);

    [LoggerMessage(EventId = 11, EventName = "QuotaPaused", Level = LogLevel.Information,
        Message = "The service throttled tenant {TenantId}: its {Family} quota takes no call for {Duration}.")]
    public static partial void QuotaPaused(ILogger logger, string family, string tenantId, TimeSpan duration);

    [LoggerMessage(EventId = 12, EventName = "QuotaWaiting", Level = LogLevel.Debug,
        Message = "A call of tenant {TenantId} waits for room in its {Family} quota (about {Wait}).")]
    public static partial void QuotaWaiting(ILogger logger, string family, string tenantId, TimeSpan wait);

    [LoggerMessage(EventId = 13, EventName = "QuotaRefused", Level = LogLevel.Information,
        Message = "A call of tenant {TenantId} was not sent: its {Family} quota has no room within the longest wait allowed (room in {RetryAfter}).")]
    public static partial void QuotaRefused(ILogger logger, string family, string tenantId, TimeSpan retryAfter);

    [LoggerMessage(EventId = 14, EventName = "TokenCacheFull", Level = LogLevel.Warning,
        Message = "The token cache reached its bound of {Capacity} tokens and dropped {Evicted} that were still valid, least recently used first; they will be requested again when used. Raise MaxCachedTokens if this process serves more tenants and APIs than that.")]
    public static partial void TokenCacheFull(ILogger logger, int capacity, int evicted);
}
