using System.Collections.Immutable;
using System.Reflection;
using System.Text.RegularExpressions;
using Defender365.Toolkit.Analyzers.Tests.Infrastructure;
using Defender365.Toolkit.Analyzers.Tests.Manifest;
using Defender365.Toolkit.Documentation;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Defender365.Toolkit.Analyzers.Tests.Docs;

/// <summary>
/// The C# blocks of the README and the docs/ pages (rule pages included) compile, with the code the generator makes from
/// the page's manifest (the nearest one above the block, else the page's first, else the README's) and against the
/// runtime, the emulator and Microsoft.Extensions; then all of the package's analyzers run on them. Each block is marked
/// <c>&lt;!-- compiled by a test (reports DEF2001) with: string clientId, … --&gt;</c>: the variables it uses become the
/// parameters of the method it is compiled in, and a block that shows a rule must report it while every other block
/// must report no warning or error of ours. A block without the mark fails here, so none is left unchecked.
/// </summary>
public sealed partial class DocumentedCSharpTests
{
    private static readonly string[] Usings =
    [
        "System", "System.Collections.Generic", "System.Linq", "System.Net", "System.Net.Http", "System.Security.Cryptography",
        "System.IO", "System.Threading", "System.Threading.Tasks", "Azure", "Azure.Core", "Microsoft.Identity.Client", "Microsoft.Extensions.Logging",
        "Microsoft.IdentityModel.Clients.ActiveDirectory",
        "Defender365.Toolkit.Authentication", "Defender365.Toolkit.Authorization", "Defender365.Toolkit.Catalog",
        "Defender365.Toolkit.DependencyInjection", "Defender365.Toolkit.Diagnostics", "Defender365.Toolkit.FanOut", "Defender365.Toolkit.Http", "Defender365.Toolkit.Sync", "Defender365.Toolkit.Emulator",
        "Microsoft.Extensions.Configuration", "Microsoft.Extensions.DependencyInjection", "Microsoft.Extensions.Hosting",
        "OpenTelemetry.Metrics", "OpenTelemetry.Trace", "Contoso.SocConnector.Defender", "Contoso.SocConnector.Defender.Models",
    ];

    public static TheoryData<string, int> Blocks()
    {
        var data = new TheoryData<string, int>();
        foreach (var (file, line, _, _, _) in Snippets())
        {
            data.Add(file, line);
        }

        return data;
    }

    [Fact]
    public void Every_csharp_block_is_marked_for_compilation()
    {
        var unmarked = Snippets().Where(s => s.Context is null).Select(s => $"{s.File}:{s.Line}").ToArray();

        Assert.True(unmarked.Length == 0, "C# blocks without '<!-- compiled by a test … -->': " + string.Join(", ", unmarked));
        Assert.True(Snippets().Count() >= 18);
    }

    [Theory]
    [MemberData(nameof(Blocks))]
    public async Task Compiles(string file, int line)
    {
        var snippet = Snippets().Single(s => s.File == file && s.Line == line);
        var manifest = ManifestFor(file, line);

        var code = snippet.Code.Split('\n');
        var usings = code.Where(l => UsingLine().IsMatch(l)).Select(l => l.Trim());
        var body = string.Join('\n', code.Where(l => !UsingLine().IsMatch(l)));
        var source = $$"""
            {{string.Join('\n', Usings.Select(u => $"using {u};").Concat(usings).Distinct())}}

            namespace Docs
            {
                public static class Snippet
                {
                    public static async Task RunAsync({{snippet.Context}})
                    {
            {{body}}
                        await Task.CompletedTask;
                    }
                }
            }
            """;
        var manifestFile = new InMemoryAdditionalText(GeneratorHarness.ManifestPath, manifest);
        var compilation = GeneratorHarness.Compilation(source, LanguageVersion.Latest).AddReferences(References.Value).AddReferences(AdalStub.Value);
        var (_, output, generatorDiagnostics) = GeneratorHarness.Run(GeneratorHarness.Driver([manifestFile], "Contoso.SocConnector", LanguageVersion.Latest), compilation);

        var errors = generatorDiagnostics.Concat(output.GetDiagnostics())
            // Snippets are fragments: a variable they declare and leave unused is not a mistake in the docs.
            .Where(d => d.Severity == DiagnosticSeverity.Error && !d.IsWarningAsError)
            .Select(d => d.ToString())
            .ToArray();
        Assert.True(errors.Length == 0, $"{file}:{line}\n{string.Join("\n", errors)}\n{source}");

        var reported = await output.WithAnalyzers(Analyzers.Value, new AnalyzerOptions([manifestFile])).GetAnalyzerDiagnosticsAsync();
        var ours = reported.Where(d => d.Id.StartsWith("DEF", StringComparison.Ordinal) && d.Severity >= DiagnosticSeverity.Warning).ToArray();
        if (snippet.Reports is { } rule)
        {
            Assert.True(ours.Any(d => d.Id == rule), $"{file}:{line} should report {rule}; reported: {string.Join("; ", ours.Select(d => d.ToString()))}");
        }
        else
        {
            Assert.True(ours.Length == 0, $"{file}:{line} should report nothing; reported: {string.Join("; ", ours.Select(d => d.ToString()))}");
        }
    }

    private static IEnumerable<(string File, int Line, string? Context, string? Reports, string Code)> Snippets() =>
        DocumentationBlocks.Read().Where(b => b.Language == "csharp").Select(b =>
        {
            var mark = b.Mark is null ? Match.Empty : CompiledMark().Match(b.Mark);
            var context = mark.Success ? mark.Groups["context"].Value.Trim() : null;
            var reports = mark.Groups["reports"].Success ? mark.Groups["reports"].Value : null;
            return (b.File, b.Line, context, reports, b.Body);
        });

    // The manifest the page shows nearest above the block, else its first, else the README's first.
    private static string ManifestFor(string file, int line)
    {
        var manifests = DocumentationBlocks.CheckedBy(nameof(DocumentedManifestsTests)).Where(b => b.Note is null).ToArray();
        var page = manifests.Where(m => m.File == file).ToArray();
        return (page.LastOrDefault(m => m.Line < line) ?? page.FirstOrDefault() ?? manifests.First(m => m.File == "README.md")).Body;
    }

    private static readonly Lazy<ImmutableArray<DiagnosticAnalyzer>> Analyzers = new(() =>
    [
        .. typeof(Defender365.Toolkit.Analyzers.Rules.HardcodedSecretAnalyzer).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetCustomAttribute<DiagnosticAnalyzerAttribute>() is not null)
            .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!),
    ]);

    // The retired ADAL, as an assembly of its real name, for the DEF4002 page.
    private static readonly Lazy<MetadataReference> AdalStub = new(() => CSharpCompilation.Create(
            "Microsoft.IdentityModel.Clients.ActiveDirectory",
            [CSharpSyntaxTree.ParseText("""
                namespace Microsoft.IdentityModel.Clients.ActiveDirectory
                {
                    public class AuthenticationResult { public string AccessToken => ""; }
                    public class ClientCredential { public ClientCredential(string clientId, string clientSecret) { } }
                    public class AuthenticationContext
                    {
                        public AuthenticationContext(string authority) { }
                        public System.Threading.Tasks.Task<AuthenticationResult> AcquireTokenAsync(string resource, ClientCredential credential) => System.Threading.Tasks.Task.FromResult(new AuthenticationResult());
                    }
                }
                """)],
            [MetadataReference.CreateFromFile(typeof(object).Assembly.Location)],
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary))
        .ToMetadataReference());

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
    [
        .. new[]
        {
            typeof(Microsoft.Extensions.DependencyInjection.IServiceCollection),
            typeof(Microsoft.Extensions.DependencyInjection.DefenderServiceCollectionExtensions),
            typeof(Microsoft.Extensions.DependencyInjection.DefenderRedisServiceCollectionExtensions),
            typeof(Microsoft.Extensions.DependencyInjection.HttpClientFactoryServiceCollectionExtensions),
            typeof(Microsoft.Extensions.DependencyInjection.OptionsServiceCollectionExtensions),
            typeof(Microsoft.Extensions.Configuration.IConfiguration),
            typeof(Microsoft.Extensions.Configuration.MemoryConfigurationBuilderExtensions),
            typeof(Microsoft.Extensions.Hosting.IHostApplicationBuilder),
            typeof(Microsoft.Extensions.Logging.ILogger),
            typeof(Microsoft.Extensions.Diagnostics.Metrics.IMetricsBuilder),
            typeof(Microsoft.Identity.Client.IConfidentialClientApplication),
            typeof(OpenTelemetry.OpenTelemetryBuilder),
            typeof(OpenTelemetry.Trace.TracerProviderBuilder),
            typeof(Microsoft.Extensions.DependencyInjection.OpenTelemetryServicesExtensions),
            typeof(OpenTelemetry.Metrics.MeterProviderBuilderExtensions),
            typeof(OpenTelemetry.Trace.TracerProviderBuilderExtensions),
        }.Select(t => t.Assembly.Location).Append(Metadata("EmulatorAssemblyPath")).Distinct().Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)),
    ]);

    private static string Metadata(string key) =>
        typeof(DocumentedCSharpTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    [GeneratedRegex(@"^compiled by a test(?: \(reports (?<reports>DEF\d{4})\))?(?: with:(?<context>.*))?$")]
    private static partial Regex CompiledMark();

    [GeneratedRegex(@"^\s*using [\w.]+;\s*$")]
    private static partial Regex UsingLine();
}
