using System.Collections.Immutable;
using Defender365.Toolkit.Analyzers.Generation;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Defender365.Toolkit.Analyzers.Tests.Infrastructure;

/// <summary>Runs the generator the way the compiler does, with step tracking on, and compiles what it produced.</summary>
internal static class GeneratorHarness
{
    public const string ManifestPath = "/project/defender-scopes.json";

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
    {
        // The test process's framework assemblies plus the runtime library: what a consumer project references.
        var framework = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        var runtime = new[] { typeof(Defender365.Toolkit.Http.DefenderOperationInvoker).Assembly.Location, typeof(Azure.Core.TokenCredential).Assembly.Location };
        return framework.Concat(runtime).Distinct().Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToImmutableArray();
    });

    public static CSharpParseOptions ParseOptions(LanguageVersion version = LanguageVersion.CSharp10) => new(version);

    public static CSharpCompilation Compilation(string source = "namespace App { public static class Program { public static void Main() { } } }", LanguageVersion version = LanguageVersion.CSharp10) =>
        CSharpCompilation.Create(
            "Consumer",
            [CSharpSyntaxTree.ParseText(source, ParseOptions(version), path: "/project/Program.cs")],
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, generalDiagnosticOption: ReportDiagnostic.Error));

    public static GeneratorDriver Driver(IEnumerable<AdditionalText> manifests, string? rootNamespace = "Contoso.App", LanguageVersion version = LanguageVersion.CSharp10) =>
        CSharpGeneratorDriver.Create(
            [new DefenderClientGenerator().AsSourceGenerator()],
            manifests,
            ParseOptions(version),
            new TestOptionsProvider(rootNamespace),
            new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    public static GeneratorDriver Driver(string manifestJson, string? rootNamespace = "Contoso.App") =>
        Driver([new InMemoryAdditionalText(ManifestPath, manifestJson)], rootNamespace);

    /// <summary>Runs the driver and returns it with the output compilation and the generator's diagnostics.</summary>
    public static (GeneratorDriver Driver, Compilation Output, ImmutableArray<Diagnostic> Diagnostics) Run(GeneratorDriver driver, Compilation compilation)
    {
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        var result = driver.GetRunResult().Results.Single();
        Assert.Null(result.Exception);
        return (driver, output, diagnostics);
    }
}

/// <summary>An additional file held in memory.</summary>
internal sealed class InMemoryAdditionalText(string path, string text) : AdditionalText
{
    private readonly SourceText _text = SourceText.From(text);

    public override string Path { get; } = path;

    public override SourceText GetText(CancellationToken cancellationToken = default) => _text;
}

/// <summary>Build properties as the compiler passes them (global options only).</summary>
internal sealed class TestOptionsProvider(string? rootNamespace) : AnalyzerConfigOptionsProvider
{
    public override AnalyzerConfigOptions GlobalOptions { get; } = new Options(rootNamespace is null ? [] : new() { ["build_property.RootNamespace"] = rootNamespace });

    public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => Options.Empty;

    public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => Options.Empty;

    private sealed class Options(Dictionary<string, string> values) : AnalyzerConfigOptions
    {
        public static readonly Options Empty = new([]);

        public override bool TryGetValue(string key, out string value) => values.TryGetValue(key, out value!);
    }
}
