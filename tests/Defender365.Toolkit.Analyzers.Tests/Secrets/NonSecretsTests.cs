using Defender365.Toolkit.Analyzers.Secrets;

namespace Defender365.Toolkit.Analyzers.Tests.Secrets;

/// <summary>The shapes no secret has, decided once for DEF3001, DEF3002 and DEF4001; and secrets that keep none of them.</summary>
public sealed class NonSecretsTests
{
    [Theory]
    // Names and keys, separators anywhere, a short version after a word.
    [InlineData(".contoso.refresh_token")]
    [InlineData("#password_reset_challenge")]
    [InlineData("Defender:ClientSecret")]
    [InlineData("token_exchange_not_supported_in_imds_v1")]
    [InlineData("password_expired")]
    // Type names.
    [InlineData("at+jwt")]
    [InlineData("application/logout+jwt")]
    // Addresses of any scheme, URNs, paths.
    [InlineData("urn:ietf:rfc:2945")]
    [InlineData("URN:oasis:names:tc:SAML:2.0:ac:classes:Password")]
    [InlineData("sftp://files.contoso.com/drop")]
    [InlineData("oauth2/v2.0/token")]
    [InlineData("/connect/token")]
    // Format templates.
    [InlineData("{0}oauth2/v2.0/token")]
    [InlineData("{tenant}/oauth2/token?api-version={1}")]
    [InlineData("Bearer {token:N}")]
    // Dates and timestamps.
    [InlineData("2026-01-31")]
    [InlineData("2026-01-31T10:00:00Z")]
    // A URN after a label.
    [InlineData("URI:urn:oasis:names:tc:SAML:1.0:am:HardwareToken")]
    // Error codes.
    [InlineData("AADB2C90118")]
    [InlineData("AADSTS7000215")]
    [InlineData("IDX10223")]
    public void Protocol_identifiers_are_not_secrets(string value) => Assert.True(NonSecrets.Matches(value), value);

    [Theory]
    [InlineData("Zx81Q~abcdEFGHijklMNOPqrstUVWXyz0123456")]
    [InlineData("Tr0ub4dor&3")]
    [InlineData("Passw0rd_2024")]
    [InlineData("summer2024")]
    [InlineData("hunter2hunter2")]
    [InlineData("sk_test_4eC39HqLyjWDarjtT1zdp7dc")]
    [InlineData("ghp_R2d2C3poBb8Yy7Xx6Ww5Vv4Uu3Tt2Ss1Rr0Q")]
    [InlineData("kQ9+vL3x/Ym2Wc8zR5tN1pJ4hG7fD0sA6eB3uI9oK2w=")]
    [InlineData("AKIA4EXAMPLE7KEY2ID9")]
    [InlineData("letmein")]
    public void Secrets_keep_none_of_those_shapes(string value) => Assert.False(NonSecrets.Matches(value), value);
}
