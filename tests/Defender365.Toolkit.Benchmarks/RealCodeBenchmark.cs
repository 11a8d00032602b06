using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics;
using Defender365.Toolkit.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Defender365.Toolkit.Benchmarks;

/// <summary>
/// Every analyzer of the package over production C# of public repositories (<c>RealCode/repositories.tsv</c>, each
/// pinned at a commit), parsed and bound against the framework only: no build, no NuGet restore. Code that holds no
/// secrets, so every report is read by a person and judged. Prints analyzer exceptions, reports per rule per 100,000
/// lines, and every report with its file, line and source line.
/// </summary>
/// <remarks>
/// Unresolved package types bind to error types: rules that need a symbol (a parameter's name in a package's method)
/// see less than in a real build, rules that read syntax see everything. That is the trade for a run that needs
/// nothing but the sources.
/// </remarks>
internal static class RealCodeBenchmark
{
    // Directory names that hold tests, samples and tools rather than the product.
    private static readonly HashSet<string> NotProduct = new(StringComparer.OrdinalIgnoreCase)
    {
        "test", "tests", "testing", "benchmark", "benchmarks", "perf", "sample", "samples", "example", "examples",
        "bin", "obj", "artifacts", "testapps", "testapp", "devapps", "playground",
    };

    // Settings files a project would hand DEF3002 (the package adds appsettings*.json itself).
    private static readonly string[] SettingsPatterns = ["appsettings*.json", "local.settings.json", "secrets.json", "*.env", "app.config", "web.config"];

    public static async Task RunAsync(string repositoryRoot, string[] args)
    {
        var sources = Option(args, "--sources")
            ?? throw new InvalidOperationException("Pass --sources <folder>: each repository checked out as <folder>/<owner>/<name> (add --clone to clone the missing ones).");
        var clone = args.Contains("--clone");
        var repositories = ReadRepositoryList(Path.Combine(repositoryRoot, "tests", "Defender365.Toolkit.Benchmarks", "RealCode", "repositories.tsv"));

        var analyzers = typeof(HardcodedSecretAnalyzer).Assembly.GetTypes()
            .Where(t => typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && !t.IsAbstract && t.GetCustomAttributes(typeof(DiagnosticAnalyzerAttribute), false).Length > 0)
            .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
            .ToImmutableArray();
        var ruleIds = analyzers.SelectMany(a => a.SupportedDiagnostics).Select(d => d.Id).Distinct().Order().ToArray();
        var references = FrameworkReferences();

        var totals = new Dictionary<string, int>();
        var reports = new List<string>();
        long totalLines = 0;
        var exceptions = 0;
        Console.WriteLine($"{"repository",-66} {"commit",-8} {"files",6} {"lines",8}  reports");
        foreach (var (name, commit) in repositories)
        {
            var checkout = Path.Combine(sources, name.Replace('/', Path.DirectorySeparatorChar));
            EnsureCheckout(name, commit, checkout, clone);

            var files = ProductFiles(checkout, "*.cs");
            var parseOptions = new CSharpParseOptions(LanguageVersion.Preview, preprocessorSymbols: ["NET", "NETCOREAPP", "NET8_0_OR_GREATER", "RELEASE"]);
            var trees = files.Select(f => CSharpSyntaxTree.ParseText(SourceText.From(File.ReadAllText(f)), parseOptions, f)).ToArray();
            var lines = trees.Sum(t => (long)t.GetText().Lines.Count);
            var settings = SettingsPatterns.SelectMany(p => ProductFiles(checkout, p)).Distinct().Select(f => (AdditionalText)new FileText(f)).ToImmutableArray();

            var compilation = CSharpCompilation.Create(
                name.Replace('/', '.'),
                trees,
                references,
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true, nullableContextOptions: NullableContextOptions.Enable));
            var thrown = new ConcurrentBag<Exception>();
            var withAnalyzers = compilation.WithAnalyzers(
                analyzers,
                new CompilationWithAnalyzersOptions(new AnalyzerOptions(settings), (e, _, _) => thrown.Add(e), concurrentAnalysis: true, logAnalyzerExecutionTime: false));
            var watch = Stopwatch.StartNew();
            var diagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync();
            exceptions += thrown.Count + diagnostics.Count(d => d.Id == "AD0001");
            foreach (var e in thrown)
            {
                Console.WriteLine($"  EXCEPTION {e.GetType().Name}: {e.Message}");
            }

            var counts = new Dictionary<string, int>();
            foreach (var diagnostic in diagnostics.Where(d => ruleIds.Contains(d.Id)).OrderBy(d => d.Location.SourceTree?.FilePath ?? d.Location.GetLineSpan().Path).ThenBy(d => d.Location.SourceSpan.Start))
            {
                counts[diagnostic.Id] = counts.GetValueOrDefault(diagnostic.Id) + 1;
                totals[diagnostic.Id] = totals.GetValueOrDefault(diagnostic.Id) + 1;
                reports.Add(Describe(diagnostic, checkout, name));
            }

            totalLines += lines;
            var summary = counts.Count == 0 ? "none" : string.Join(", ", counts.OrderBy(c => c.Key).Select(c => $"{c.Key} {c.Value}"));
            Console.WriteLine($"{name,-66} {commit[..8],-8} {files.Count,6:N0} {lines,8:N0}  {summary}  ({watch.Elapsed.TotalSeconds:F1} s)");
        }

        Console.WriteLine();
        Console.WriteLine($"{repositories.Count} repositories, {totalLines:N0} lines of production C#, {exceptions} analyzer exceptions");
        Console.WriteLine($"{"rule",-8} {"reports",8} {"per 100k lines",15}");
        foreach (var id in ruleIds)
        {
            var count = totals.GetValueOrDefault(id);
            Console.WriteLine($"{id,-8} {count,8} {count * 100_000.0 / Math.Max(1, totalLines),15:F2}");
        }

        Console.WriteLine();
        Console.WriteLine("Every report (judge each one):");
        foreach (var report in reports)
        {
            Console.WriteLine(report);
        }
    }

    private static string Describe(Diagnostic diagnostic, string checkout, string repository)
    {
        var span = diagnostic.Location.GetLineSpan();
        var path = Path.GetRelativePath(checkout, span.Path).Replace('\\', '/');
        var line = span.StartLinePosition.Line;
        var source = diagnostic.Location.SourceTree?.GetText().Lines[line].ToString().Trim()
            ?? (File.Exists(span.Path) ? File.ReadLines(span.Path).Skip(line).FirstOrDefault()?.Trim() : null)
            ?? "";
        if (source.Length > 160)
        {
            source = source[..157] + "...";
        }

        return $"{diagnostic.Id} {repository}/{path}:{line + 1}: {diagnostic.GetMessage()}\n      | {source}";
    }

    private static List<(string Name, string Commit)> ReadRepositoryList(string path) =>
        File.ReadLines(path)
            .Where(l => l.Length > 0 && l[0] != '#')
            .Select(l => l.Split('\t'))
            .Select(f => (f[0], f[1]))
            .ToList();

    /// <summary>Uses a checkout at the pinned commit; clones it when asked. A checkout at another commit is refused: the figures would not be comparable.</summary>
    private static void EnsureCheckout(string name, string commit, string checkout, bool clone)
    {
        if (!Directory.Exists(checkout))
        {
            if (!clone)
            {
                throw new InvalidOperationException($"{checkout} is missing: check out {name} at {commit} there, or pass --clone.");
            }

            Git(null, "clone", "--quiet", $"https://github.com/{name}.git", checkout);
            Git(checkout, "checkout", "--quiet", commit);
        }

        var head = Git(checkout, "rev-parse", "HEAD").Trim();
        if (!string.Equals(head, commit, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"{checkout} is at {head}, not at the pinned {commit}: run 'git -C {checkout} checkout {commit}'.");
        }
    }

    private static string Git(string? directory, params string[] arguments)
    {
        var start = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true };
        if (directory is not null)
        {
            start.ArgumentList.Add("-C");
            start.ArgumentList.Add(directory);
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"git {string.Join(' ', arguments)} failed: {error.Trim()}");
    }

    private static List<string> ProductFiles(string root, string pattern) =>
        Directory.EnumerateFiles(root, pattern, SearchOption.AllDirectories)
            .Where(f => !Path.GetRelativePath(root, f).Split(Path.DirectorySeparatorChar).SkipLast(1).Any(IsNotProduct))
            .Order(StringComparer.Ordinal)
            .ToList();

    // "tests", "Foo.Tests", "Foo.UnitTests", "IntegrationTests", "Foo.Benchmarks", ".git".
    private static bool IsNotProduct(string directory) =>
        directory.StartsWith('.')
        || NotProduct.Contains(directory)
        || directory.EndsWith("Tests", StringComparison.OrdinalIgnoreCase)
        || directory.EndsWith(".Test", StringComparison.OrdinalIgnoreCase)
        || directory.EndsWith(".Benchmarks", StringComparison.OrdinalIgnoreCase)
        || directory.EndsWith(".Samples", StringComparison.OrdinalIgnoreCase)
        || directory.EndsWith(".Sample", StringComparison.OrdinalIgnoreCase);

    private static MetadataReference[] FrameworkReferences() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "netstandard.dll" or "mscorlib.dll" or "Microsoft.Win32.Primitives.dll")
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToArray();

    private static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    private sealed class FileText(string path) : AdditionalText
    {
        public override string Path { get; } = path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(File.ReadAllText(Path));
    }
}
