using Defender365.Toolkit.Analyzers.Rules;
using Defender365.Toolkit.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis.Testing;

namespace Defender365.Toolkit.Analyzers.Tests.Rules;

/// <summary>
/// DEF4002 on ADAL usage. ADAL is stubbed as a referenced assembly of its real name: the rule keys on the reference and
/// the namespace.
/// </summary>
public sealed class AdalUsageAnalyzerTests
{
    private const string AdalAssembly = "Microsoft.IdentityModel.Clients.ActiveDirectory";

    private const string AdalStub = """
        namespace Microsoft.IdentityModel.Clients.ActiveDirectory
        {
            public class AuthenticationContext { public AuthenticationContext(string authority) { } public System.Threading.Tasks.Task<object> AcquireTokenAsync(string resource, ClientCredential credential) => null!; }
            public class ClientCredential { public ClientCredential(string id, string secret) { } }
        }
        """;

    private static Task VerifyAsync(string source, bool withAdal, params DiagnosticResult[] expected)
    {
        var test = RuleTest.For<AdalUsageAnalyzer>(source).Expect(expected);
        if (withAdal)
        {
            test.TestState.AdditionalProjects[AdalAssembly].Sources.Add(AdalStub);
            test.TestState.AdditionalProjectReferences.Add(AdalAssembly);
        }

        return test.RunAsync();
    }

    [Fact]
    public Task Creating_and_calling_ADAL_is_reported() => VerifyAsync("""
        using Microsoft.IdentityModel.Clients.ActiveDirectory;
        class C
        {
            async System.Threading.Tasks.Task Run(string id, string secret)
            {
                var context = {|#0:new AuthenticationContext("https://login.microsoftonline.com/t")|};
                await {|#1:context.AcquireTokenAsync("https://api.securitycenter.microsoft.com", {|#2:new ClientCredential(id, secret)|})|};
            }
        }
        """,
        withAdal: true,
        new DiagnosticResult(AdalUsageAnalyzer.Rule).WithLocation(0).WithArguments("AuthenticationContext"),
        new DiagnosticResult(AdalUsageAnalyzer.Rule).WithLocation(1).WithArguments("AuthenticationContext.AcquireTokenAsync"),
        new DiagnosticResult(AdalUsageAnalyzer.Rule).WithLocation(2).WithArguments("ClientCredential"));

    [Fact]
    public Task Projects_without_ADAL_are_not_analyzed() => VerifyAsync("""
        namespace Other { class AuthenticationContext { } class C { object Make() => new AuthenticationContext(); } }
        """, withAdal: false);

}
