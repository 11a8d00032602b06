using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Identity.Client;

namespace Defender365.Toolkit.Authentication;

/// <summary>
/// Maps token-service failures to <see cref="DefenderAuthenticationException"/> types with a message that says what to
/// do. Branches on the numeric AADSTS codes, never on the description text (which Entra ID changes).
/// </summary>
internal static partial class AadstsErrorMapper
{
    private static readonly Dictionary<string, DefenderAuthenticationFailure> Codes = new(StringComparer.Ordinal)
    {
        ["700016"] = DefenderAuthenticationFailure.NotConsented,
        ["7000229"] = DefenderAuthenticationFailure.NotConsented,
        ["65001"] = DefenderAuthenticationFailure.NotConsented,
        ["90094"] = DefenderAuthenticationFailure.NotConsented,
        ["90002"] = DefenderAuthenticationFailure.TenantNotFound,
        ["7000215"] = DefenderAuthenticationFailure.InvalidClientSecret,
        ["70002"] = DefenderAuthenticationFailure.InvalidClientSecret,
        ["7000222"] = DefenderAuthenticationFailure.ClientSecretExpired,
        ["700027"] = DefenderAuthenticationFailure.InvalidClientCertificate,
        ["7000274"] = DefenderAuthenticationFailure.InvalidClientCertificate,
        ["50012"] = DefenderAuthenticationFailure.InvalidClientCertificate,
        ["700024"] = DefenderAuthenticationFailure.InvalidClientCertificate,
        ["1000502"] = DefenderAuthenticationFailure.InvalidClientCertificate,
        ["7000214"] = DefenderAuthenticationFailure.InvalidClientCertificate,
        ["7000277"] = DefenderAuthenticationFailure.InvalidClientCertificate,
        ["7000112"] = DefenderAuthenticationFailure.AppDisabled,
        ["70001"] = DefenderAuthenticationFailure.AppDisabled,
        ["1000031"] = DefenderAuthenticationFailure.AppDisabled,
        ["500011"] = DefenderAuthenticationFailure.ApiNotProvisioned,
        ["650052"] = DefenderAuthenticationFailure.ApiNotProvisioned,
        ["90038"] = DefenderAuthenticationFailure.WrongCloud,
        ["900432"] = DefenderAuthenticationFailure.WrongCloud,
        ["900382"] = DefenderAuthenticationFailure.WrongCloud,
        ["53003"] = DefenderAuthenticationFailure.BlockedByTenantPolicy,
        ["530032"] = DefenderAuthenticationFailure.BlockedByTenantPolicy,
        ["50196"] = DefenderAuthenticationFailure.Throttled,
        ["90055"] = DefenderAuthenticationFailure.Throttled,
        ["90033"] = DefenderAuthenticationFailure.Transient,
        ["90024"] = DefenderAuthenticationFailure.Transient,
        ["50033"] = DefenderAuthenticationFailure.Transient,
        ["90006"] = DefenderAuthenticationFailure.Transient,
        ["90090"] = DefenderAuthenticationFailure.Transient,
    };

    public static DefenderAuthenticationException Map(Exception exception, TokenRequestFacts facts)
    {
        return exception switch
        {
            MsalServiceException service => MapService(service, facts),
            HttpRequestException or TaskCanceledException or OperationCanceledException => new DefenderAuthenticationException(
                IsConnectionRefused(exception)
                    ? $"Nothing listens at {facts.AuthorityHost} (connection refused): is the token service, or the local emulator, running at that address? No token for tenant '{facts.TenantId}'."
                    : $"The token service at {facts.AuthorityHost} could not be reached for tenant '{facts.TenantId}': {Redact(exception.Message, facts)} Retry later; check the network and the configured cloud.",
                DefenderAuthenticationFailure.Transient,
                facts.TenantId,
                facts.ClientId,
                Scrub(exception, facts)),
            _ => new DefenderAuthenticationException(
                $"A token for tenant '{facts.TenantId}' could not be acquired: {Redact(exception.Message, facts)}",
                DefenderAuthenticationFailure.Unknown,
                facts.TenantId,
                facts.ClientId,
                Scrub(exception, facts)),
        };
    }

    /// <summary>Whether nothing listens at the address: a refused connection, not a slow or broken network.</summary>
    internal static bool IsConnectionRefused(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionRefused })
            {
                return true;
            }
        }

        return false;
    }

    private static DefenderAuthenticationException MapService(MsalServiceException exception, TokenRequestFacts facts)
    {
        var body = ResponseFacts.From(exception.ResponseBody);
        string[] codes = exception.ErrorCodesForLogging is { Count: > 0 } fromMsal ? [.. fromMsal] : body.ErrorCodes;
        if (codes.Length == 0 && AadstsCode().Match(exception.Message) is { Success: true } match)
        {
            codes = [match.Groups[1].Value];
        }

        var failure = codes.Select(c => Codes.GetValueOrDefault(c)).FirstOrDefault(f => f != DefenderAuthenticationFailure.Unknown);
        if (failure == DefenderAuthenticationFailure.Unknown)
        {
            failure = exception.StatusCode switch
            {
                (int)HttpStatusCode.TooManyRequests => DefenderAuthenticationFailure.Throttled,
                >= 500 => DefenderAuthenticationFailure.Transient,
                _ => DefenderAuthenticationFailure.Unknown,
            };
        }

        var codeText = codes.Length > 0 ? $" (AADSTS{string.Join(", AADSTS", codes)})" : string.Empty;
        var tenant = facts.TenantId;
        var consentUrl = facts.ConsentUrl();
        var inner = Scrub(exception, facts);
        var retryAfter = exception.Headers?.RetryAfter?.Delta;

        DefenderAuthenticationException result = failure switch
        {
            DefenderAuthenticationFailure.NotConsented => new DefenderConsentRequiredException(
                $"The app {facts.ClientId} is not consented in tenant '{tenant}'{codeText}: it has no service principal there, or the tenant or client id is wrong. " +
                $"An administrator of the tenant grants consent at {consentUrl}",
                failure, tenant, facts.ClientId, consentUrl, inner),
            DefenderAuthenticationFailure.ApiNotProvisioned => new DefenderConsentRequiredException(
                $"Tenant '{tenant}' does not have the requested API{codeText}: the Defender product is not licensed or provisioned there, so consent cannot grant it. This is not a missing permission. " +
                $"Once the product is enabled, consent at {consentUrl}",
                failure, tenant, facts.ClientId, consentUrl, inner),
            DefenderAuthenticationFailure.InvalidClientSecret => new DefenderAuthenticationException(
                $"The client secret of app {facts.ClientId} was rejected{codeText}. " +
                (facts.SecretLooksLikeId
                    ? "The configured secret has the shape of a GUID: that is the secret's ID, not its value. Copy the 'Value' column shown when the secret was created."
                    : "Check that the configured value is the secret's 'Value' (not its 'Secret ID') and belongs to this app registration."),
                failure, tenant, facts.ClientId, inner),
            DefenderAuthenticationFailure.ClientSecretExpired => new DefenderAuthenticationException(
                $"The client secret of app {facts.ClientId} has expired{codeText}. Create a new secret under 'Certificates & secrets' of the app registration and update the configuration.",
                failure, tenant, facts.ClientId, inner),
            DefenderAuthenticationFailure.InvalidClientCertificate => new DefenderAuthenticationException(
                $"The certificate or client assertion of app {facts.ClientId} was rejected{codeText}: it is not registered on the app, has expired or is revoked, or the clock is off.",
                failure, tenant, facts.ClientId, inner),
            DefenderAuthenticationFailure.TenantNotFound => new DefenderAuthenticationException(
                $"Tenant '{tenant}' was not found{codeText}. Check the tenant id or domain for typos and that the tenant is in the configured cloud ({facts.AuthorityHost}).",
                failure, tenant, facts.ClientId, inner),
            DefenderAuthenticationFailure.AppDisabled => new DefenderAuthenticationException(
                $"The app {facts.ClientId} is disabled{codeText} by its publisher or by the administrator of tenant '{tenant}'.",
                failure, tenant, facts.ClientId, inner),
            DefenderAuthenticationFailure.WrongCloud => new DefenderAuthenticationException(
                $"Tenant '{tenant}' belongs to another cloud than the configured one ({facts.AuthorityHost}){codeText}. Set the cloud option to the tenant's cloud.",
                failure, tenant, facts.ClientId, inner),
            DefenderAuthenticationFailure.BlockedByTenantPolicy => new DefenderAuthenticationException(
                $"A policy of tenant '{tenant}' blocked the app's sign-in{codeText} (Conditional Access for workload identities). Ask the tenant's administrator to allow the app.",
                failure, tenant, facts.ClientId, inner),
            DefenderAuthenticationFailure.Throttled => new DefenderAuthenticationException(
                $"The token service throttled requests for tenant '{tenant}'{codeText}. Retry after {(retryAfter is { } r ? $"{r.TotalSeconds:0} s" : "a while")}.",
                failure, tenant, facts.ClientId, inner),
            DefenderAuthenticationFailure.Transient => new DefenderAuthenticationException(
                $"The token service failed for tenant '{tenant}'{codeText} (HTTP {exception.StatusCode}). Retry later.",
                failure, tenant, facts.ClientId, inner),
            _ => new DefenderAuthenticationException(
                $"A token for tenant '{tenant}' could not be acquired{codeText}: {exception.ErrorCode}. {Redact(FirstLine(exception.Message), facts)}",
                failure, tenant, facts.ClientId, inner),
        };

        return With(result, codes, exception.ErrorCode, body, retryAfter);
    }

    private static DefenderAuthenticationException With(DefenderAuthenticationException e, string[] codes, string error, ResponseFacts body, TimeSpan? retryAfter)
    {
        e.ErrorCodes = codes;
        e.Error = error;
        e.TraceId = body.TraceId;
        e.CorrelationId = body.CorrelationId;
        e.RetryAfter = retryAfter;
        return e;
    }

    private static string FirstLine(string message)
    {
        var newline = message.IndexOfAny(['\r', '\n']);
        return newline < 0 ? message : message[..newline];
    }

    /// <summary>
    /// Removes the secret from a text, should any layer have echoed it: as it is, and in the forms a form body, a URL, a
    /// JSON string or an HTML page would carry it (a secret with <c>+ / = &amp;</c> is echoed encoded).
    /// </summary>
    internal static string Redact(string text, TokenRequestFacts facts)
    {
        foreach (var form in facts.SecretForms)
        {
            text = text.Replace(form, "***", StringComparison.OrdinalIgnoreCase);
        }

        return text;
    }

    /// <summary>Keeps the inner exception unless its text contains the secret; then replaces it with a redacted copy.</summary>
    private static Exception Scrub(Exception exception, TokenRequestFacts facts)
    {
        var all = exception.ToString();
        if (!facts.SecretForms.Any(form => all.Contains(form, StringComparison.OrdinalIgnoreCase)))
        {
            return exception;
        }

        return new InvalidOperationException($"{exception.GetType().FullName}: {Redact(exception.Message, facts)}");
    }

    [GeneratedRegex(@"AADSTS(\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex AadstsCode();

    private readonly record struct ResponseFacts(string[] ErrorCodes, string? TraceId, string? CorrelationId)
    {
        public static ResponseFacts From(string? body)
        {
            if (string.IsNullOrEmpty(body))
            {
                return new([], null, null);
            }

            try
            {
                using var document = JsonDocument.Parse(body);
                var root = document.RootElement;
                var codes = root.TryGetProperty("error_codes", out var c) && c.ValueKind == JsonValueKind.Array
                    ? c.EnumerateArray().Select(e => e.ToString()).ToArray()
                    : [];
                return new(codes, Text(root, "trace_id"), Text(root, "correlation_id"));
            }
            catch (JsonException)
            {
                return new([], null, null);
            }

            static string? Text(JsonElement root, string name) =>
                root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        }
    }
}

/// <summary>What the error mapper needs to know about the failed request.</summary>
internal sealed class TokenRequestFacts(string tenantId, string clientId, Uri authorityHost, Func<Uri> consentUrl, string? secret)
{
    public string TenantId { get; } = tenantId;

    public string ClientId { get; } = clientId;

    public Uri AuthorityHost { get; } = authorityHost;

    public string? Secret { get; } = secret;

    /// <summary>The secret and its encoded forms, longest first (so a longer form is replaced before a part of it).</summary>
    public IReadOnlyList<string> SecretForms { get; } = secret is { Length: > 0 }
        ?
        [
            .. new[]
            {
                secret,
                Uri.EscapeDataString(secret),
                System.Net.WebUtility.UrlEncode(secret),
                System.Net.WebUtility.HtmlEncode(secret),
                System.Text.Encodings.Web.JavaScriptEncoder.Default.Encode(secret),
                System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping.Encode(secret),
            }.Distinct(StringComparer.OrdinalIgnoreCase).OrderByDescending(f => f.Length),
        ]
        : [];

    public bool SecretLooksLikeId => Secret is not null && Guid.TryParse(Secret, out _);

    public Uri ConsentUrl() => consentUrl();
}
