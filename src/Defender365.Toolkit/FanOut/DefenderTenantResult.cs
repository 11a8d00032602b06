namespace Defender365.Toolkit.FanOut;

/// <summary>
/// One tenant's result in a fan-out: its value, or why it has none, with what the outcome needs to act on it (the
/// consent link, the missing permission, the wait, the status and error code).
/// </summary>
/// <typeparam name="T">What the work returns.</typeparam>
public sealed class DefenderTenantResult<T>
{
    internal DefenderTenantResult(string tenantId, DefenderTenantOutcome outcome, T? value, Exception? exception, TimeSpan elapsed)
    {
        TenantId = tenantId;
        Outcome = outcome;
        Value = value;
        Exception = exception;
        Elapsed = elapsed;
    }

    /// <summary>The tenant, as it was given.</summary>
    public string TenantId { get; }

    /// <summary>What became of the tenant's work.</summary>
    public DefenderTenantOutcome Outcome { get; }

    /// <summary>Whether the work returned a value.</summary>
    public bool Succeeded => Outcome == DefenderTenantOutcome.Succeeded;

    /// <summary>What the work returned; default unless <see cref="Succeeded"/>.</summary>
    public T? Value { get; }

    /// <summary>What the work threw; null when it <see cref="Succeeded"/>. Its message never holds a secret or a token.</summary>
    public Exception? Exception { get; }

    /// <summary>How long the tenant's work took, waits for quota and retries included.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>The admin-consent link, for <see cref="DefenderTenantOutcome.NotConsented"/> and <see cref="DefenderTenantOutcome.MissingPermission"/>.</summary>
    public Uri? AdminConsentUrl { get; internal init; }

    /// <summary>The least-privileged permission to grant, for <see cref="DefenderTenantOutcome.MissingPermission"/>.</summary>
    public string? MissingPermission { get; internal init; }

    /// <summary>When to try again, for <see cref="DefenderTenantOutcome.Throttled"/>, when the service or the quota said.</summary>
    public TimeSpan? RetryAfter { get; internal init; }

    /// <summary>The HTTP status of the last answer, for <see cref="DefenderTenantOutcome.ServiceError"/> and <see cref="DefenderTenantOutcome.NotAllowed"/>; 0 when none.</summary>
    public int Status { get; internal init; }

    /// <summary>The service's error code (or the AADSTS codes of a refused sign-in), when it gave one.</summary>
    public string? ErrorCode { get; internal init; }

    /// <inheritdoc/>
    public override string ToString() => Outcome switch
    {
        DefenderTenantOutcome.Succeeded => $"{TenantId}: succeeded",
        DefenderTenantOutcome.NotConsented => $"{TenantId}: not consented; consent at {AdminConsentUrl}",
        DefenderTenantOutcome.MissingPermission => $"{TenantId}: missing {MissingPermission}; consent at {AdminConsentUrl}",
        DefenderTenantOutcome.Throttled => $"{TenantId}: throttled{(RetryAfter is { } wait ? $", retry after {wait}" : string.Empty)}",
        DefenderTenantOutcome.ServiceError or DefenderTenantOutcome.NotAllowed when Status != 0 => $"{TenantId}: {Outcome} ({Status} {ErrorCode})",
        _ => $"{TenantId}: {Outcome} ({Exception?.GetType().Name})",
    };
}
