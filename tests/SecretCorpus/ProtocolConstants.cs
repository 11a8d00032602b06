// Protocol constants: identifiers that identity, protocol and HTTP libraries keep under names holding Token, Password or
// Secret. Written for this corpus in the shapes such libraries use; none is a secret, so any report here is a false
// positive.
namespace Corpus.ProtocolConstants;

public static class StateKeys
{
    // Property and state keys that start with a separator.
    public const string RefreshToken = ".contoso.refresh_token";
    public const string IdToken = ".auth_id_token_principal";
    public const string PasswordChallenge = "#password_reset_challenge";
}

public static class MediaTypes
{
    // Token-type and media-type names joined with '+' and '/'.
    public const string AccessTokenJwt = "at+jwt";
    public const string LogoutToken = "application/logout+jwt";
    public const string ClientAssertionJwt = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
}

public static class Endpoints
{
    // Relative endpoint paths and format templates.
    public const string OAuth2Token = "oauth2/v2.0/token";
    public const string AuthorityToken = "{0}oauth2/v2.0/token";
    public const string TenantToken = "{tenant}/oauth2/token?api-version={1}";
    public const string DeviceCodeToken = "connect/deviceauthorization";
}

public static class Urns
{
    public const string PasswordProtectedTransport = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport";
    public const string SecurePasswordRfc = "urn:ietf:rfc:2945";
}

public static class ErrorCodes
{
    // Error codes in the shapes identity platforms use.
    public const string TokenExchangeUnsupported = "token_exchange_not_supported_in_imds_v1";
    public const string PasswordResetRequested = "AADB2C90118";
    public const string TokenReplayed = "IDX10223";
    public const string PasswordExpired = "password_expired";
}
