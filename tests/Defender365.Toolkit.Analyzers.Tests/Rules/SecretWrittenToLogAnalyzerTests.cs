using Defender365.Toolkit.Analyzers.Rules;
using Microsoft.CodeAnalysis.CSharp.Testing;
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

    private static Task VerifyAsync(string source, params DiagnosticResult[] expected)
    {
        var test = new CSharpAnalyzerTest<SecretWrittenToLogAnalyzer, DefaultVerifier>
        {
            ReferenceAssemblies = ReferenceAssemblies.Net.Net80,
            TestState = { Sources = { source, LoggingStub } },
        };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    private static DiagnosticResult Def4001(int markup, string value, string sink) =>
        new DiagnosticResult(SecretWrittenToLogAnalyzer.Rule).WithLocation(markup).WithArguments(value, sink);

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
}
