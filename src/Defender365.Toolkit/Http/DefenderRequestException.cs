using Azure;

namespace Defender365.Toolkit.Http;

/// <summary>
/// A Defender or Graph API call failed: what kind of failure (<see cref="Failure"/>), the service's status, error code,
/// message and target, the request id, the operation and tenant, and how many attempts were made. Every failure of a
/// call surfaces as this type (or <see cref="Authorization.MissingPermissionException"/> /
/// <see cref="Authentication.DefenderAuthenticationException"/> before anything is sent); only the caller's own
/// cancellation surfaces as <see cref="OperationCanceledException"/>. Derives from <see cref="RequestFailedException"/>,
/// so Azure SDK error handling applies.
/// </summary>
public sealed class DefenderRequestException : RequestFailedException
{
    /// <summary>Creates the exception for a service error (<see cref="DefenderRequestFailure.ServiceError"/>, one attempt).</summary>
    public DefenderRequestException(string message, int status, string? errorCode, string? serviceMessage, string? target, string? requestId, string operationId, string tenantId, TimeSpan? retryAfter, Exception? innerException = null)
        : this(message, DefenderRequestFailure.ServiceError, status, errorCode, serviceMessage, target, requestId, operationId, tenantId, retryAfter, attempts: 1, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public DefenderRequestException(string message, DefenderRequestFailure failure, int status, string? errorCode, string? serviceMessage, string? target, string? requestId, string operationId, string tenantId, TimeSpan? retryAfter, int attempts, Exception? innerException = null)
        : base(status, message, errorCode, innerException)
    {
        Failure = failure;
        ServiceMessage = serviceMessage;
        Target = target;
        RequestId = requestId;
        OperationId = operationId;
        TenantId = tenantId;
        RetryAfter = retryAfter;
        Attempts = attempts;
    }

    /// <summary>What kind of failure it was; <see cref="DefenderRequestFailure.ServiceError"/> when the service answered with an error.</summary>
    public DefenderRequestFailure Failure { get; }

    /// <summary>The service's <c>error.message</c> (free text, at most 2,048 characters; do not branch on it).</summary>
    public string? ServiceMessage { get; }

    /// <summary>The service's <c>error.target</c>: its tracking id for the request; quote it to support.</summary>
    public string? Target { get; }

    /// <summary>The <c>request-id</c> response header, when present.</summary>
    public string? RequestId { get; }

    /// <summary>The catalog operation that failed.</summary>
    public string OperationId { get; }

    /// <summary>The tenant the call was for.</summary>
    public string TenantId { get; }

    /// <summary>For 429 and 503: how long the service asked to wait (it may be longer than the client waits at most).</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>How many times the request was sent (1 when it was not retried).</summary>
    public int Attempts { get; }
}
