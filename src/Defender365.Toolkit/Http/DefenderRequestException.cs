using Azure;

namespace Defender365.Toolkit.Http;

/// <summary>
/// A Defender or Graph API call failed: the service's status, error code, message and target, the request id, and the
/// operation and tenant. Derives from <see cref="RequestFailedException"/>, so Azure SDK error handling applies.
/// </summary>
public sealed class DefenderRequestException : RequestFailedException
{
    /// <summary>Creates the exception.</summary>
    public DefenderRequestException(string message, int status, string? errorCode, string? serviceMessage, string? target, string? requestId, string operationId, string tenantId, TimeSpan? retryAfter, Exception? innerException = null)
        : base(status, message, errorCode, innerException)
    {
        ServiceMessage = serviceMessage;
        Target = target;
        RequestId = requestId;
        OperationId = operationId;
        TenantId = tenantId;
        RetryAfter = retryAfter;
    }

    /// <summary>The service's <c>error.message</c> (free text; do not branch on it).</summary>
    public string? ServiceMessage { get; }

    /// <summary>The service's <c>error.target</c>: its tracking id for the request; quote it to support.</summary>
    public string? Target { get; }

    /// <summary>The <c>request-id</c> response header, when present.</summary>
    public string? RequestId { get; }

    /// <summary>The catalog operation that failed.</summary>
    public string OperationId { get; }

    /// <summary>The tenant the call was for.</summary>
    public string TenantId { get; }

    /// <summary>For 429: how long the service asked to wait.</summary>
    public TimeSpan? RetryAfter { get; }
}
