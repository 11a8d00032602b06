using Defender365.Toolkit.Analyzers.Rules;
using Defender365.Toolkit.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis.Testing;

namespace Defender365.Toolkit.Analyzers.Tests.Rules;

/// <summary>DEF4003: accept-everything certificate callbacks, and the pinning ones that are fine.</summary>
public sealed class TlsValidationDisabledAnalyzerTests
{
    private static Task VerifyAsync(string source, params DiagnosticResult[] expected) =>
        RuleTest.For<TlsValidationDisabledAnalyzer>(source).Expect(expected).RunAsync();

    private static DiagnosticResult Def4003(int markup, string property) =>
        new DiagnosticResult(TlsValidationDisabledAnalyzer.Rule).WithLocation(markup).WithArguments(property);

    [Fact]
    public Task Lambda_returning_true_in_an_initializer() => VerifyAsync("""
        using System.Net.Http;
        class C { HttpClientHandler Make() => new HttpClientHandler { {|#0:ServerCertificateCustomValidationCallback = (_, _, _, _) => true|} }; }
        """, Def4003(0, "HttpClientHandler.ServerCertificateCustomValidationCallback"));

    [Fact]
    public Task Dangerous_validator_and_anonymous_method() => VerifyAsync("""
        using System.Net;
        using System.Net.Http;
        class C
        {
            void Run(HttpClientHandler handler)
            {
                {|#0:handler.ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator|};
                {|#1:ServicePointManager.ServerCertificateValidationCallback += delegate { return true; }|};
            }
        }
        """,
        Def4003(0, "HttpClientHandler.ServerCertificateCustomValidationCallback"),
        Def4003(1, "ServicePointManager.ServerCertificateValidationCallback"));

    [Fact]
    public Task Sockets_handler_ssl_options() => VerifyAsync("""
        using System.Net.Http;
        class C { SocketsHttpHandler Make() => new SocketsHttpHandler { SslOptions = { {|#0:RemoteCertificateValidationCallback = (s, c, ch, e) => { return true; }|} } }; }
        """, Def4003(0, "SslClientAuthenticationOptions.RemoteCertificateValidationCallback"));

    [Fact]
    public Task A_method_group_field_or_local_that_accepts_everything_is_followed() => VerifyAsync("""
        using System.Net.Http;
        using System.Net.Security;
        using System.Security.Cryptography.X509Certificates;
        class C
        {
            static readonly RemoteCertificateValidationCallback AcceptAll = (_, _, _, _) => true;
            static bool Trust(HttpRequestMessage m, X509Certificate2? c, X509Chain? ch, SslPolicyErrors e) { return true; }
            static bool Check(HttpRequestMessage m, X509Certificate2? c, X509Chain? ch, SslPolicyErrors e) => e == SslPolicyErrors.None;

            void Run(HttpClientHandler first, HttpClientHandler second, HttpClientHandler third, SocketsHttpHandler sockets)
            {
                {|#0:first.ServerCertificateCustomValidationCallback = Trust|};
                {|#1:sockets.SslOptions.RemoteCertificateValidationCallback = AcceptAll|};
                var dangerous = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator;
                {|#2:second.ServerCertificateCustomValidationCallback = dangerous|};
                third.ServerCertificateCustomValidationCallback = Check;
            }
        }
        """,
        Def4003(0, "HttpClientHandler.ServerCertificateCustomValidationCallback"),
        Def4003(1, "SslClientAuthenticationOptions.RemoteCertificateValidationCallback"),
        Def4003(2, "HttpClientHandler.ServerCertificateCustomValidationCallback"));

    [Fact]
    public Task A_pinning_callback_is_fine() => VerifyAsync("""
        using System.Net.Http;
        using System.Security.Cryptography;
        class C
        {
            SocketsHttpHandler Make(byte[] expected) => new SocketsHttpHandler
            {
                SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                    certificate is not null && CryptographicOperations.FixedTimeEquals(certificate.GetCertHash(HashAlgorithmName.SHA256), expected) },
            };
        }
        """);

    [Fact]
    public Task A_callback_that_sometimes_refuses_is_fine() => VerifyAsync("""
        using System.Net.Http;
        using System.Net.Security;
        class C { HttpClientHandler Make() => new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, errors) => { if (errors == SslPolicyErrors.None) return true; return false; } }; }
        """);
}
