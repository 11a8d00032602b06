namespace Defender365.Toolkit.Http;

/// <summary>Why a call failed, after the retries its kind allows: <see cref="DefenderRequestException.Failure"/>.</summary>
public enum DefenderRequestFailure
{
    /// <summary>The service answered with an error status (<see cref="Azure.RequestFailedException.Status"/>, error code and message).</summary>
    ServiceError,

    /// <summary>The connection failed, was reset, or dropped while the body was read. Status 0.</summary>
    Network,

    /// <summary>No answer (or no more of the body) within <c>Retry.NetworkTimeout</c>. Status 0. Not the caller's cancellation.</summary>
    Timeout,

    /// <summary>The answer could not be read: not JSON, a value out of its type's range, a next link that is not a link or points at another host.</summary>
    InvalidResponse,

    /// <summary>The body was larger than <see cref="DefenderClientOptions.MaxResponseBytes"/>.</summary>
    ResponseTooLarge,

    /// <summary>A list returned a page it had already returned (a server ignoring <c>$skip</c>, a repeating next link): paging stopped.</summary>
    PagingStalled,

    /// <summary>A list went on past <see cref="DefenderClientOptions.MaxPagesPerList"/> pages: paging stopped.</summary>
    PageLimitExceeded,

    /// <summary>
    /// Not sent: the tenant's quota for the operation (documented, or paused by the service's 429) has no room within
    /// <see cref="Quotas.DefenderQuotaOptions.MaxWait"/>. Status 0; <see cref="DefenderRequestException.RetryAfter"/> says
    /// when there is room, when known; <see cref="DefenderRequestException.Attempts"/> counts only attempts sent before
    /// (0 when none was).
    /// </summary>
    QuotaExhausted,
}
