using Defender365.Toolkit.Analyzers.Rules;
using Defender365.Toolkit.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis.Testing;

namespace Defender365.Toolkit.Analyzers.Tests.Rules;

/// <summary>DEF4001: tokens and secrets reaching consoles, logs and files; harmless names and values do not.</summary>
public sealed class SecretWrittenToLogAnalyzerTests
{
    // ILogger is stubbed in its real namespace: the rule compares type names only.
    private const string LoggingStub = """
        namespace Microsoft.Extensions.Logging
        {
            public interface ILogger { }
            public static class LoggerExtensions { public static void LogInformation(this ILogger logger, string message, params object?[] args) { } }
        }
        """;

    private static Task VerifyAsync(string source, params DiagnosticResult[] expected) => VerifyAsync(source, editorConfig: null, expected);

    private static Task VerifyAsync(string source, string? editorConfig, params DiagnosticResult[] expected)
    {
        var test = RuleTest.For<SecretWrittenToLogAnalyzer>(source, LoggingStub).Expect(expected);
        if (editorConfig is not null)
        {
            test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", editorConfig));
        }

        return test.RunAsync();
    }

    private static DiagnosticResult Def4001(int markup, string value, string sink) =>
        new DiagnosticResult(SecretWrittenToLogAnalyzer.Rule).WithLocation(markup).WithArguments(value, sink);

    [Fact]
    public Task A_parameter_documented_as_a_name_is_not_the_secret() => VerifyAsync("""
        using System.Diagnostics;
        static class Lab
        {
            /// <summary>Reads a configuration from the vault.</summary>
            /// <param name="secret">The name of the Key Vault secret holding the configuration.</param>
            /// <param name="token">The access token for the vault.</param>
            public static void Read(string secret, string token)
            {
                Debug.WriteLine($"KeyVault secret '{secret}' retrieved from cache");
                Debug.WriteLine({|#0:token|});
            }

            // The secret itself, undocumented.
            public static void Write(string secret) => Debug.WriteLine({|#1:secret|});
        }
        """,
        Def4001(0, "token", "the debug trace"),
        Def4001(1, "secret", "the debug trace"));

    [Fact]
    public Task Authorization_codes_refresh_and_id_tokens_are_sensitive_and_protocol_constants_are_not() => VerifyAsync("""
        using System;
        class OpenIdConnectMessage { public string Code { get; set; } = ""; }
        class Order { public string Code { get; set; } = ""; }
        class C
        {
            const string RefreshToken = ".contoso.refresh_token";
            const string TokenGrant = "urn:ietf:params:oauth:grant-type:token-exchange";
            void Run(OpenIdConnectMessage message, Order order, string refreshToken, string idToken, string authorizationCode)
            {
                Console.WriteLine(RefreshToken);
                Console.WriteLine(TokenGrant);
                Console.WriteLine(order.Code);
                Console.WriteLine({|#0:refreshToken|});
                Console.WriteLine({|#1:idToken|});
                Console.WriteLine({|#2:authorizationCode|});
                Console.WriteLine($"code {{|#3:message.Code|}}");
            }
        }
        """,
        Def4001(0, "refreshToken", "the console"),
        Def4001(1, "idToken", "the console"),
        Def4001(2, "authorizationCode", "the console"),
        Def4001(3, "message.Code", "the console"));

    [Fact]
    public Task Tokens_and_secrets_written_anywhere_are_reported() => VerifyAsync("""
        using System;
        using System.IO;
        using Microsoft.Extensions.Logging;
        class C
        {
            string clientSecret = "x";
            void Run(ILogger logger, string accessToken)
            {
                Console.WriteLine({|#0:accessToken|});
                logger.LogInformation("Token {T}", {|#1:accessToken|});
                File.WriteAllText("token.txt", $"Bearer {{|#2:accessToken|}}");
                System.Diagnostics.Debug.WriteLine("secret: " + {|#3:clientSecret|});
            }
        }
        """,
        Def4001(0, "accessToken", "the console"),
        Def4001(1, "accessToken", "a log"),
        Def4001(2, "accessToken", "a file"),
        Def4001(3, "clientSecret", "the debug trace"));

    [Fact]
    public Task Harmless_names_and_values_are_not_reported() => VerifyAsync("""
        using System;
        using System.Threading;
        using Microsoft.Extensions.Logging;
        class C
        {
            void Run(ILogger logger, string tokenType, string secretName, CancellationToken cancellationToken, int tokenCount)
            {
                Console.WriteLine(tokenType);
                Console.WriteLine($"Reading {secretName} from Key Vault, {tokenCount} tokens");
                logger.LogInformation("cancel {C}", cancellationToken);
                Console.WriteLine("token");
            }
        }
        """);

    [Fact]
    public Task Secret_names_are_DEF3001s_so_paging_cursors_are_not_secrets_and_account_keys_are() => VerifyAsync("""
        using System;
        using Microsoft.Extensions.Logging;
        class C
        {
            void Run(ILogger logger, string nextPageToken, string continuationToken, string storageAccountKey, string credentials)
            {
                logger.LogInformation("page {P} {C}", nextPageToken, continuationToken);
                Console.WriteLine({|#0:storageAccountKey|});
                Console.WriteLine({|#1:credentials|});
            }
        }
        """,
        Def4001(0, "storageAccountKey", "the console"),
        Def4001(1, "credentials", "the console"));

    [Fact]
    public Task The_DEF3001_name_options_apply() => VerifyAsync(
        """
        using System;
        class C
        {
            void Run(string pin, string demoPassword)
            {
                Console.WriteLine({|#0:pin|});
                Console.WriteLine(demoPassword);
            }
        }
        """,
        """
        root = true
        [*.cs]
        DEF3001.secret_names = pin
        DEF3001.excluded_names = demoPassword
        """,
        Def4001(0, "pin", "the console"));
}
