using System.Diagnostics;
using System.Text;
using Defender365.Toolkit.Analyzers.Generation;
using Defender365.Toolkit.Catalog;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace Defender365.Toolkit.Benchmarks;

/// <summary>
/// The generator's cost inside a consumer's compilation: a full generation for a manifest that declares the whole
/// catalog, and the re-run after an edit to an unrelated file, each as a share of generation plus compilation (emit).
/// </summary>
internal static class GeneratorBenchmark
{
    private const int ConsumerFiles = 200;
    private const int Repetitions = 7;

    public static void Run()
    {
        Console.WriteLine();
        Console.WriteLine($"Generator cost in a consumer of {ConsumerFiles} C# files, manifest declaring every permission (median of {Repetitions})");
        var compilation = Consumer();
        var manifest = new ManifestText("/consumer/defender-scopes.json", Everything());

        var fullGenerate = new List<double>();
        var fullCompile = new List<double>();
        var incrementalGenerate = new List<double>();
        var incrementalCompile = new List<double>();
        var generatedFiles = 0;
        for (var i = 0; i < Repetitions + 1; i++)
        {
            var driver = (GeneratorDriver)CSharpGeneratorDriver.Create([new DefenderClientGenerator().AsSourceGenerator()], [manifest], (CSharpParseOptions)compilation.SyntaxTrees.First().Options);
            var watch = Stopwatch.StartNew();
            driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
            var generate = watch.Elapsed.TotalMilliseconds;
            var compile = Emit(output);
            generatedFiles = output.SyntaxTrees.Count() - compilation.SyntaxTrees.Count();

            // An edit to one unrelated file: the IDE's keystroke and the next build's common case.
            var old = compilation.SyntaxTrees.First();
            var edited = compilation.ReplaceSyntaxTree(old, old.WithChangedText(old.GetText().WithChanges(new TextChange(new TextSpan(0, 0), $"// edit {i}\n"))));
            watch.Restart();
            driver.RunGeneratorsAndUpdateCompilation(edited, out var editedOutput, out _);
            var incremental = watch.Elapsed.TotalMilliseconds;
            var editedCompile = Emit(editedOutput);

            if (i == 0)
            {
                continue; // JIT warm-up
            }

            fullGenerate.Add(generate);
            fullCompile.Add(compile);
            incrementalGenerate.Add(incremental);
            incrementalCompile.Add(editedCompile);
        }

        Console.WriteLine($"  generated files: {generatedFiles}");
        Report("full generation", Median(fullGenerate), Median(fullCompile));
        Report("after unrelated edit", Median(incrementalGenerate), Median(incrementalCompile));
    }

    private static void Report(string what, double generate, double compile) =>
        Console.WriteLine($"  {what,-22} generator {generate,8:0.0} ms   compilation {compile,8:0.0} ms   generator share {generate / (generate + compile),6:P1}");

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static double Emit(Compilation compilation)
    {
        var watch = Stopwatch.StartNew();
        using var stream = new MemoryStream();
        var result = compilation.Emit(stream);
        if (!result.Success)
        {
            throw new InvalidOperationException("The consumer does not compile: " + result.Diagnostics.First(d => d.Severity == DiagnosticSeverity.Error));
        }

        return watch.Elapsed.TotalMilliseconds;
    }

    private static CSharpCompilation Consumer()
    {
        var options = new CSharpParseOptions(LanguageVersion.Latest);
        var trees = Enumerable.Range(0, ConsumerFiles).Select(i => CSharpSyntaxTree.ParseText(ConsumerFile(i), options, path: $"/consumer/File{i}.cs"));
        var framework = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        var references = framework
            .Append(typeof(DefenderCatalog).Assembly.Location)
            .Append(typeof(Azure.Core.TokenCredential).Assembly.Location)
            .Distinct()
            .Select(p => MetadataReference.CreateFromFile(p));
        return CSharpCompilation.Create("Consumer", trees, references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
    }

    private static string ConsumerFile(int i) => $$"""
        namespace Consumer.Area{{i % 10}};

        public sealed record Item{{i}}(int Id, string Name, System.DateTimeOffset When);

        public static class Service{{i}}
        {
            public static System.Collections.Generic.IReadOnlyList<Item{{i}}> Filter(System.Collections.Generic.IEnumerable<Item{{i}}> items, string prefix) =>
                System.Linq.Enumerable.ToList(System.Linq.Enumerable.Where(items, x => x.Name.StartsWith(prefix, System.StringComparison.Ordinal) && x.Id % {{i + 2}} == 0));

            public static async System.Threading.Tasks.Task<int> CountAsync(System.Collections.Generic.IAsyncEnumerable<Item{{i}}> items, System.Threading.CancellationToken cancellationToken)
            {
                var count = 0;
                await foreach (var item in System.Threading.Tasks.TaskAsyncEnumerableExtensions.WithCancellation(items, cancellationToken))
                {
                    count += item.Name.Length > {{i % 7}} ? 1 : 0;
                }

                return count;
            }

            public static string Describe(Item{{i}} item) => item switch
            {
                { Id: < 0 } => "invalid",
                { Name.Length: 0 } => "unnamed",
                _ => $"{item.Id}:{item.Name}@{item.When:O}",
            };
        }
        """;

    private static string Everything()
    {
        var resources = DefenderCatalog.Default.Resources.Select(r =>
            $"\"{r.DisplayName}\": {{ \"application\": [{string.Join(", ", r.Permissions.Where(p => p.Kind == DefenderPermissionKind.Application).Select(p => $"\"{p.Name}\""))}] }}");
        return $$"""{ "namespace": "Consumer.Defender", "permissions": { {{string.Join(", ", resources)}} } }""";
    }

    private sealed class ManifestText(string path, string text) : AdditionalText
    {
        private readonly SourceText _text = SourceText.From(text, Encoding.UTF8);

        public override string Path { get; } = path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => _text;
    }
}
