using Defender365.Toolkit.Analyzers.Secrets;

namespace Defender365.Toolkit.Analyzers.Tests.Secrets;

/// <summary>
/// What DEF3003 asks of a value stored under a secret name: that it looks generated. The names production code keeps
/// there do not; the secrets of the labelled corpus all do.
/// </summary>
public sealed class SecretShapeTests
{
    [Theory]
    // A word with a counter at its end.
    [InlineData("_ClientEncryptionMetadata1")]
    [InlineData("someRT2")]
    [InlineData("some-access-token2")]
    [InlineData("kv-pass-77")]
    // Protocol digit-words, versions, units and ordinals.
    [InlineData("Sha256Hash")]
    [InlineData("GetSha256Hash")]
    [InlineData("SHA256withRSA")]
    [InlineData("Base64UrlEncoded")]
    [InlineData("x509Thumbprint")]
    [InlineData("AadB2cPolicy")]
    [InlineData("ApiV2Password")]
    [InlineData("100ms")]
    [InlineData("2nd-factor")]
    // An OData name, case humps, numbers without letters.
    [InlineData("$skiptoken")]
    [InlineData("IsAnIdOfAToken")]
    [InlineData("ClientCredentialsTokenRequest")]
    [InlineData("JwtSecurityTokenUsedToCallWebAPI")]
    [InlineData("10.0.0.1:6380")]
    public void Names_and_numbers_do_not_look_generated(string value) => Assert.False(SecretShape.LooksGenerated(value), value);

    [Theory]
    // Digits between letters.
    [InlineData("Tr0ub4dor")]
    [InlineData("key-7f6e5d4c3b2a1908")]
    [InlineData("AKIA4QZ7EXMPL3R5T8YU")]
    [InlineData("tok_51Habcdef")]
    [InlineData("9f3kLm2-Qw8zTx7vB1nR4yH6")]
    // A symbol beside two other kinds of character.
    [InlineData("Qwerty!234")]
    [InlineData("pg-P@ss-2023")]
    [InlineData("Winter2025!Soc")]
    // Digit groups.
    [InlineData("Mk-0192-8374-6556")]
    // Random letters.
    [InlineData("kNtaUiGpIpatEJcvPjjeJeRvtQRxFAoCR")]
    public void Secrets_look_generated(string value) => Assert.True(SecretShape.LooksGenerated(value), value);
}
