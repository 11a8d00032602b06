using Defender365.Toolkit.Analyzers.Rules;
using Defender365.Toolkit.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis.Testing;

namespace Defender365.Toolkit.Analyzers.Tests.Rules;

/// <summary>DEF3004: secrets left in comments, by format or after a secret word; prose, placeholders and names are not.</summary>
public sealed class SecretInCommentAnalyzerTests
{
    private static DiagnosticResult Def3004(int markup, string what) =>
        new DiagnosticResult(SecretInCommentAnalyzer.Rule).WithLocation(markup).WithArguments(what);

    [Fact]
    public Task Formats_and_named_values_in_comments_are_reported() => RuleTest.For<SecretInCommentAnalyzer>($$"""
        class C
        {
            // old client secret: {|#0:{{HardcodedSecretAnalyzerTests.EntraSecret}}|}
            /* local bus: Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=dev;{|#1:SharedAccessKey=Qm4Xk9Vn2Lp7Rt3Zy8Bc5Fh1Jd6Sa0Km3Nq8Rt2Wv5=|}; */
            // password: {|#2:Wint3r!Soc-2026|} (the reporting account)
            /// <summary>Calls the API; api_key = "{|#3:k9Vn2Lp7Rt3Zy8Bc5Fh1|}".</summary>
            void Run() { }
        }
        """)
        .Expect(
            Def3004(0, "an Entra ID client secret"),
            Def3004(1, "a connection string with a secret"),
            Def3004(2, "after 'password'"),
            Def3004(3, "after 'api_key'"))
        .RunAsync();

    [Fact]
    public Task Prose_placeholders_names_and_strings_are_not_reported() => RuleTest.For<SecretInCommentAnalyzer>("""
        class C
        {
            // The client secret is read from Defender:ClientSecret (user-secrets in development, a key vault in production).
            // password: see the key vault secret "reporting-password"; token: Bearer.
            // Example: ClientSecret = "<your-client-secret>", ApiKey = "YOUR_API_KEY".
            /// <summary>Signs with the key named by <c>Jwt:Key</c>; the token type is <c>at+jwt</c>.</summary>
            /// <param name="password">The password, at least 12 characters.</param>
            /// <example>var tokenAcquisition = context.HttpContext.RequestServices.GetRequiredService&lt;ITokenAcquisition&gt;();</example>
            // Could not load file or assembly 'System.Numerics.Vectors, Version=4.1.3.0, Culture=neutral, PublicKeyToken=b03f5f7f11d50a3a'
            void Run(string password)
            {
                var url = "https://contoso.com//path"; // a URL with a double slash is not a comment
                var division = 10 / 2 / 1;
            }
        }
        """).RunAsync();

    [Fact]
    public Task The_secret_options_apply() => RuleTest.For<SecretInCommentAnalyzer>("""
        class C
        {
            // pin: {|#0:48a7-1193-xk2|}
            // password: Wint3r!Soc-2026
        }
        """)
        .WithGlobalConfig("""
            DEF3001.secret_names = pin
            DEF3001.placeholders = Wint3r!Soc-2026
            """)
        .Expect(Def3004(0, "after 'pin'"))
        .RunAsync();
}
