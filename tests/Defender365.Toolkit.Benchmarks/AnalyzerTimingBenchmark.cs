using System.Collections.Immutable;
using System.Diagnostics;
using Defender365.Toolkit.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Defender365.Toolkit.Benchmarks;

/// <summary>
/// Each of our analyzers alone over the generated large project, in process (no build around it): the execution time
/// Roslyn reports for it, and the wall time of a full analysis beside the time to bind the project for diagnostics.
/// Quicker to repeat than the build comparison in <see cref="SecretDetectionBenchmark"/>.
/// </summary>
internal static class AnalyzerTimingBenchmark
{
    public static async Task RunAsync()
    {
        var sources = LargeProject.Generate(2_000);
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "netstandard.dll" or "mscorlib.dll")
            .Select(p => MetadataReference.CreateFromFile(p));
        var options = new CSharpParseOptions(LanguageVersion.Latest);
        var compilation = CSharpCompilation.Create(
            "Large",
            sources.Select(s => CSharpSyntaxTree.ParseText(s.Value, options, s.Key)),
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));

        var watch = Stopwatch.StartNew();
        var errors = compilation.GetDiagnostics().Count(d => d.Severity == DiagnosticSeverity.Error);
        Console.WriteLine();
        Console.WriteLine($"Analyzers alone on {sources.Count:N0} generated files: binding the whole project took {watch.Elapsed.TotalSeconds:F2} s ({errors} errors)");

        // Every analyzer of the package, a rule added later included.
        var analyzers = typeof(HardcodedSecretAnalyzer).Assembly.GetTypes()
            .Where(t => typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && !t.IsAbstract && t.GetCustomAttributes(typeof(DiagnosticAnalyzerAttribute), false).Length > 0)
            .OrderBy(t => t.Name, StringComparer.Ordinal)
            .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
            .ToArray();
        // The first pass warms up the JIT for the analyzer driver; the second is reported.
        foreach (var (analyzer, report) in analyzers.Select(a => (a, false)).Concat(analyzers.Select(a => (a, true))))
        {
            // A fresh compilation each time, so no analyzer profits from semantic models another one warmed up.
            var fresh = compilation.RemoveAllSyntaxTrees().AddSyntaxTrees(compilation.SyntaxTrees);
            var withAnalyzers = fresh.WithAnalyzers(
                ImmutableArray.Create(analyzer),
                new CompilationWithAnalyzersOptions(new AnalyzerOptions([]), onAnalyzerException: null, concurrentAnalysis: true, logAnalyzerExecutionTime: true));
            watch.Restart();
            var diagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync();
            var wall = watch.Elapsed.TotalSeconds;
            var telemetry = await withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer, CancellationToken.None);
            if (!report)
            {
                Console.WriteLine($"  (cold) {analyzer.GetType().Name,-27} execution {telemetry.ExecutionTime.TotalSeconds,7:F3} s");
                continue;
            }

            Console.WriteLine($"  {analyzer.GetType().Name,-34} execution {telemetry.ExecutionTime.TotalSeconds,7:F3} s, wall {wall,6:F2} s, {diagnostics.Length} diagnostics");
        }
    }
}
