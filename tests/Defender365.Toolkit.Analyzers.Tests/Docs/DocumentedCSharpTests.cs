using System.Collections.Immutable;
using System.Reflection;
using System.Text.RegularExpressions;
using Defender365.Toolkit.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Defender365.Toolkit.Analyzers.Tests.Docs;

/// <summary>
/// The C# blocks of the README and the docs/ pages compile, with the code the generator makes from the README's
/// manifest and against the runtime, the emulator and Microsoft.Extensions. Each block is marked
/// <c>&lt;!-- compiled by a test with: string clientId, … --&gt;</c>: the variables it uses become the parameters of the
/// method it is compiled in. A block without the mark fails here, so none is left unchecked.
/// </summary>
public sealed partial class DocumentedCSharpTests
{
    private static readonly string Root = Metadata("RepositoryRoot");

    private static readonly string[] Usings =
    [
        "System", "System.Collections.Generic", "System.Linq", "System.Net", "System.Net.Http", "System.Security.Cryptography",
        "System.Threading", "System.Threading.Tasks", "Azure.Core",
        "Defender365.Toolkit.Authentication", "Defender365.Toolkit.Authorization", "Defender365.Toolkit.Catalog",
        "Defender365.Toolkit.DependencyInjection", "Defender365.Toolkit.Diagnostics", "Defender365.Toolkit.Http", "Defender365.Toolkit.Emulator",
        "Microsoft.Extensions.Configuration", "Microsoft.Extensions.DependencyInjection", "Microsoft.Extensions.Hosting",
        "OpenTelemetry.Metrics", "OpenTelemetry.Trace", "Contoso.SocConnector.Defender", "Contoso.SocConnector.Defender.Models",
    ];

    public static TheoryData<string, int> Blocks()
    {
        var data = new TheoryData<string, int>();
        foreach (var (file, line, _, _) in Snippets())
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
        Assert.True(Snippets().Count() >= 8);
    }

    [Theory]
    [MemberData(nameof(Blocks))]
    public void Compiles(string file, int line)
    {
        var snippet = Snippets().Single(s => s.File == file && s.Line == line);
        var manifest = ReadmeManifest();

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
        var compilation = GeneratorHarness.Compilation(source, LanguageVersion.Latest).AddReferences(References.Value);
        var (_, output, generatorDiagnostics) = GeneratorHarness.Run(GeneratorHarness.Driver([new InMemoryAdditionalText(GeneratorHarness.ManifestPath, manifest)], "Contoso.SocConnector", LanguageVersion.Latest), compilation);

        var errors = generatorDiagnostics.Concat(output.GetDiagnostics())
            .Where(d => d.Severity == DiagnosticSeverity.Error && d.Id != "CS8321")
            .Select(d => d.ToString())
            .ToArray();
        Assert.True(errors.Length == 0, $"{file}:{line}\n{string.Join("\n", errors)}\n{source}");
    }

    private static IEnumerable<(string File, int Line, string? Context, string Code)> Snippets()
    {
        var files = new[] { Path.Combine(Root, "README.md") }.Concat(Directory.GetFiles(Path.Combine(Root, "docs"), "*.md"));
        foreach (var path in files)
        {
            var text = File.ReadAllText(path);
            foreach (Match block in CSharpBlock().Matches(text))
            {
                var line = text[..block.Index].Count(c => c == '\n') + 1;
                var context = block.Groups["marked"].Success ? block.Groups["context"].Value.Trim() : null;
                yield return (Path.GetRelativePath(Root, path), line, context, block.Groups["code"].Value);
            }
        }
    }

    private static string ReadmeManifest()
    {
        var readme = File.ReadAllText(Path.Combine(Root, "README.md"));
        return ManifestBlock().Match(readme).Groups["body"].Value;
    }

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
    [
        .. new[]
        {
            typeof(Microsoft.Extensions.DependencyInjection.IServiceCollection),
            typeof(Microsoft.Extensions.DependencyInjection.DefenderServiceCollectionExtensions),
            typeof(Microsoft.Extensions.DependencyInjection.HttpClientFactoryServiceCollectionExtensions),
            typeof(Microsoft.Extensions.DependencyInjection.OptionsServiceCollectionExtensions),
            typeof(Microsoft.Extensions.Configuration.IConfiguration),
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

    [GeneratedRegex(@"(?<marked><!-- compiled by a test(?: with:(?<context>[^>]*))? -->\n)?```csharp\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();

    [GeneratedRegex(@"```json\n(?<body>\{\s*""namespace"": ""Contoso\.SocConnector\.Defender"".*?)```", RegexOptions.Singleline)]
    private static partial Regex ManifestBlock();

    [GeneratedRegex(@"^\s*using [\w.]+;\s*$")]
    private static partial Regex UsingLine();
}
