using Azure;
using Defender365.Toolkit.Authentication;
using Defender365.Toolkit.Authorization;
using Defender365.Toolkit.Http;

namespace Defender365.Toolkit.FanOut;

/// <summary>Which outcome an exception of a tenant's work is, and what the result carries for it.</summary>
internal static class DefenderTenantOutcomes
{
    public static DefenderTenantResult<T> Classify<T>(string tenant, Exception exception, TimeSpan elapsed) => exception switch
    {
        DefenderConsentRequiredException consent => new(tenant, DefenderTenantOutcome.NotConsented, default, exception, elapsed)
        {
            AdminConsentUrl = consent.AdminConsentUrl,
            ErrorCode = Codes(consent),
        },
        MissingPermissionException missing => new(tenant, DefenderTenantOutcome.MissingPermission, default, exception, elapsed)
        {
            AdminConsentUrl = missing.AdminConsentUrl,
            MissingPermission = missing.LeastPrivilegedPermission,
        },
        DefenderAuthenticationException signIn => new(tenant, Of(signIn), default, exception, elapsed)
        {
            RetryAfter = signIn.RetryAfter,
            ErrorCode = Codes(signIn),
        },
        DefenderRequestException call => new(tenant, Of(call), default, exception, elapsed)
        {
            RetryAfter = call.RetryAfter,
            Status = call.Status,
            ErrorCode = call.ErrorCode,
        },
        RequestFailedException call => new(tenant, OfStatus(call.Status), default, exception, elapsed)
        {
            Status = call.Status,
            ErrorCode = call.ErrorCode,
        },
        _ => new(tenant, DefenderTenantOutcome.Failed, default, exception, elapsed),
    };

    private static DefenderTenantOutcome Of(DefenderAuthenticationException exception) => exception.Failure switch
    {
        _ when exception.IsCredentialRejected => DefenderTenantOutcome.CredentialRejected,
        DefenderAuthenticationFailure.NotConsented or DefenderAuthenticationFailure.ApiNotProvisioned => DefenderTenantOutcome.NotConsented,
        DefenderAuthenticationFailure.TenantNotAllowed or DefenderAuthenticationFailure.BlockedByTenantPolicy or DefenderAuthenticationFailure.AppDisabled => DefenderTenantOutcome.NotAllowed,
        DefenderAuthenticationFailure.Throttled => DefenderTenantOutcome.Throttled,
        DefenderAuthenticationFailure.Transient => DefenderTenantOutcome.Unavailable,
        _ => DefenderTenantOutcome.Failed,
    };

    private static DefenderTenantOutcome Of(DefenderRequestException exception) => exception.Failure switch
    {
        DefenderRequestFailure.QuotaExhausted => DefenderTenantOutcome.Throttled,
        DefenderRequestFailure.Network or DefenderRequestFailure.Timeout => DefenderTenantOutcome.Unavailable,
        DefenderRequestFailure.ServiceError => OfStatus(exception.Status),
        _ => DefenderTenantOutcome.ServiceError,
    };

    private static DefenderTenantOutcome OfStatus(int status) => status switch
    {
        429 => DefenderTenantOutcome.Throttled,
        401 or 403 => DefenderTenantOutcome.NotAllowed,
        _ => DefenderTenantOutcome.ServiceError,
    };

    private static string? Codes(DefenderAuthenticationException exception) =>
        exception.ErrorCodes.Count == 0 ? null : string.Join(",", exception.ErrorCodes);
}
