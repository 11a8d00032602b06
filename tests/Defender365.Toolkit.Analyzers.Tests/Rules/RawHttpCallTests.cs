using Defender365.Toolkit.Analyzers.Rules;
using Defender365.Toolkit.Analyzers.Tests.Infrastructure;
using Defender365.Toolkit.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;
using Microsoft.CodeAnalysis.Text;

namespace Defender365.Toolkit.Analyzers.Tests.Rules;

/// <summary>DEF2001 for hand-written HttpClient calls: the URL is mapped through the catalog's path templates.</summary>
public sealed class RawHttpCallTests
{
    private const string ReadOnlyManifest = """{ "permissions": { "Microsoft Threat Protection": { "application": ["Incident.Read.All"] } } }""";

    // No toolkit reference at all: a project that only has HttpClient and a manifest is checked too.
    private static Task VerifyAsync(string source, string manifest, params DiagnosticResult[] expected) =>
        RuleTest.For<UndeclaredPermissionAnalyzer>(source).WithManifest(manifest).Without("DEF2002").Expect(expected).RunAsync();

    private static DiagnosticResult Def2001(int markup, string operation, string permission, string resource) =>
        new DiagnosticResult(UndeclaredPermissionAnalyzer.Rule).WithLocation(markup).WithArguments(operation, permission, resource);

    [Fact]
    public Task Literal_and_interpolated_urls_of_defender_hosts_are_checked_like_generated_calls() => VerifyAsync("""
        using System;
        using System.Net.Http;
        using System.Net.Http.Json;
        using System.Threading.Tasks;
        class C
        {
            async Task Run(HttpClient http, string machineId, int incidentId)
            {
                await http.GetAsync("https://api.security.microsoft.com/api/incidents?$top=10");
                await http.GetStringAsync($"https://api.security.microsoft.com/api/incidents/{incidentId}");
                await http.PatchAsync({|#0:$"https://api.security.microsoft.com/api/incidents/{incidentId}"|}, null);
                await http.PostAsync({|#1:$"https://api.securitycenter.microsoft.com/api/machines/{machineId}/isolate"|}, null);
                await http.SendAsync(new HttpRequestMessage(HttpMethod.Post, new Uri({|#2:"https://api.security.microsoft.com/api/advancedhunting/run"|})));
                await http.GetFromJsonAsync<object>({|#3:"https://graph.microsoft.com/v1.0/security/incidents"|});
            }
        }
        """,
        ReadOnlyManifest,
        Def2001(0, "UpdateIncident", "Incident.ReadWrite.All", "Microsoft Threat Protection"),
        Def2001(1, "IsolateMachine", "Machine.Isolate", "WindowsDefenderATP"),
        Def2001(2, "RunAdvancedHuntingQuery", "AdvancedHunting.Read.All", "Microsoft Threat Protection"),
        Def2001(3, "ListIncidents", "SecurityIncident.Read.All", "Microsoft Graph"));

    [Fact]
    public Task Other_hosts_unknown_paths_relative_urls_and_non_http_uses_are_not_checked() => VerifyAsync("""
        using System;
        using System.Net.Http;
        using System.Threading.Tasks;
        class C
        {
            async Task Run(HttpClient http, string area)
            {
                await http.PostAsync("https://api.contoso.com/api/machines/1/isolate", null);
                await http.PostAsync("https://api.securitycenter.microsoft.com/api/no-such-thing", null);
                await http.PostAsync($"https://api.securitycenter.microsoft.com/api/{area}/1/isolate", null);
                await http.PostAsync("/api/machines/1/isolate", null);
                Console.WriteLine("https://api.securitycenter.microsoft.com/api/machines/1/isolate");
            }
        }
        """,
        ReadOnlyManifest);

    [Fact]
    public async Task The_code_fix_declares_the_permission_the_url_needs()
    {
        var test = new CSharpCodeFixTest<UndeclaredPermissionAnalyzer, AddPermissionToManifestCodeFixProvider, DefaultVerifier>
        {
            ReferenceAssemblies = RuleTest.ReferenceAssemblies,
            TestState =
            {
                Sources = { """
                    using System.Net.Http;
                    class C
                    {
                        void Run(HttpClient http) => http.PostAsync({|DEF2001:"https://api.securitycenter.microsoft.com/api/machines/abc/isolate"|}, null);
                    }
                    """ },
                AdditionalFiles = { (RuleTest.ManifestPath, SourceText.From(ReadOnlyManifest)) },
            },
            FixedState =
            {
                Sources = { """
                    using System.Net.Http;
                    class C
                    {
                        void Run(HttpClient http) => http.PostAsync("https://api.securitycenter.microsoft.com/api/machines/abc/isolate", null);
                    }
                    """ },
                AdditionalFiles = { (RuleTest.ManifestPath, SourceText.From("""{ "permissions": { "Microsoft Threat Protection": { "application": ["Incident.Read.All"] }, "WindowsDefenderATP": { "application": ["Machine.Isolate"] } } }""")) },
            },
        };
        test.DisabledDiagnostics.Add("DEF2002");
        await test.RunAsync();
    }
}
