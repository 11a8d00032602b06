using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Defender365.Toolkit.Analyzers.Rules;

namespace Defender365.Toolkit.Benchmarks;

/// <summary>
/// DEF3001 beside the secret rules people use today, by real <c>dotnet build</c>s of throwaway projects:
/// <list type="number">
/// <item>detection: the labelled corpus in <c>tests/SecretCorpus</c> scored for precision, recall and F1 for DEF3001,
/// SonarAnalyzer's S2068 (a hotspot, enabled through SonarLint.xml) and Security Code Scan's SCS0015;</item>
/// <item>cost: a generated project of about 2,000 files / 200,000 lines built with <c>-p:ReportAnalyzer=true</c>:
/// our analyzers' total time against S2068's and SCS's, and the wall time our analyzers add to the build.</item>
/// </list>
/// The peers are referenced only by these throwaway projects.
/// </summary>
internal static partial class SecretDetectionBenchmark
{
    private const string SonarVersion = "9.32.0.97167";
    private const string SecurityCodeScanVersion = "5.6.7";
    private const int CostFiles = 2_000;
    private const int CostRepetitions = 3;
    private const int AddedWallRepetitions = 5;

    private static readonly string OurAnalyzers = typeof(HardcodedSecretAnalyzer).Assembly.Location;

    private sealed record Tool(string Name, string RuleId, string Items, string GlobalConfig);

    private static readonly Tool[] Tools =
    [
        new("Defender365 DEF3001", "DEF3001", $"""<Analyzer Include="{OurAnalyzers}" />""", ""),
        new("SonarAnalyzer S2068", "S2068",
            $"""
            <PackageReference Include="SonarAnalyzer.CSharp" Version="{SonarVersion}" PrivateAssets="all" />
            <AdditionalFiles Include="SonarLint.xml" />
            """,
            // Only S2068: every other Sonar rule off, so the build measures the one rule.
            "dotnet_analyzer_diagnostic.severity = none\ndotnet_diagnostic.S2068.severity = warning\n"),
        new("SecurityCodeScan SCS0015", "SCS0015",
            $"""<PackageReference Include="SecurityCodeScan.VS2019" Version="{SecurityCodeScanVersion}" PrivateAssets="all" />""",
            "dotnet_diagnostic.SCS0015.severity = warning\n"),
    ];

    public static async Task RunAsync(string repositoryRoot, bool onlyAddedWallTime)
    {
        if (onlyAddedWallTime)
        {
            await MeasureAddedWallTimeAsync(LargeProject.Generate(CostFiles));
            return;
        }

        var corpus = Path.Combine(repositoryRoot, "tests", "SecretCorpus");
        Console.WriteLine();
        Console.WriteLine($"Secret detection on the labelled corpus ({corpus})");
        Console.WriteLine("| tool | labelled | TP | FP | FN | precision | recall | F1 |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var tool in Tools)
        {
            var project = CreateProject("corpus-" + tool.RuleId, tool, Directory.GetFiles(corpus, "*.cs").ToDictionary(path => Path.GetFileName(path), File.ReadAllText));
            var sarif = Path.Combine(project, "out.sarif");
            var build = await BuildAsync(project, $"-p:ErrorLog={sarif}%2Cversion=2.1");
            if (!File.Exists(sarif))
            {
                Console.WriteLine($"| {tool.Name} | build failed: {Tail(build.Output)} |");
                continue;
            }

            var score = ScoreCorpus(corpus, ReportedLines(sarif, tool.RuleId));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {tool.Name} | {score.Labelled} | {score.TruePositives} | {score.FalsePositives} | {score.FalseNegatives} | {score.Precision:F3} | {score.Recall:F3} | {score.F1:F3} |"));
        }

        await MeasureCostAsync();
    }

    private static async Task MeasureCostAsync()
    {
        var sources = LargeProject.Generate(CostFiles);
        var lines = sources.Values.Sum(s => s.Count(c => c == '\n'));
        Console.WriteLine();
        Console.WriteLine($"Analyzer cost on a generated project: {sources.Count:N0} files, {lines:N0} lines (median of {CostRepetitions} rebuilds after a warm-up)");
        Console.WriteLine("| build | wall s | analyzer s (ReportAnalyzer) | what is timed |");
        Console.WriteLine("|---|---:|---:|---|");

        var baseline = CreateProject("cost-none", new Tool("no analyzers", "", "", ""), sources);
        var (baselineWall, _) = await TimeBuildsAsync(baseline, _ => 0);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| no added analyzers | {baselineWall:F1} | – | – |"));

        var results = new Dictionary<string, (double Wall, double Analyzer)>();
        foreach (var tool in Tools)
        {
            var project = CreateProject("cost-" + tool.RuleId, tool, sources);
            var (wall, analyzer) = await TimeBuildsAsync(project, output => AnalyzerSeconds(output, tool));
            results[tool.RuleId] = (wall, analyzer);
            var what = tool.RuleId switch
            {
                "DEF3001" => "all Defender365 analyzers and the generator's assembly",
                "S2068" => "S2068's analyzer (DoNotHardcodeCredentials)",
                _ => "the SecurityCodeScan assembly",
            };
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {tool.Name} | {wall:F1} | {analyzer:F3} | {what} |"));
        }

        var ours = results["DEF3001"];
        var sonar = results["S2068"];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ours / S2068 analyzer time: {ours.Analyzer / sonar.Analyzer:F2}× (target ≤ 0.4×); ours' analyzer time / baseline wall: {100 * ours.Analyzer / baselineWall:F2} %"));
        await MeasureAddedWallTimeAsync(sources);
    }

    // What a real project pays: the SDK's default analyzers already run the analyzer driver in every build, so the
    // wall time our package adds is measured on top of them (--added-wall-time runs only this).
    private static async Task MeasureAddedWallTimeAsync(IReadOnlyDictionary<string, string> sources)
    {
        Console.WriteLine();
        Console.WriteLine($"Wall time added to a project with the SDK's default analyzers (median of {AddedWallRepetitions} interleaved rebuilds after a warm-up)");
        var sdk = CreateProject("cost-sdk", new Tool("SDK analyzers", "", "", ""), sources, sdkAnalyzers: true);
        var withOurs = CreateProject("cost-sdk-ours", Tools[0], sources, sdkAnalyzers: true);

        // Interleaved (A, B, A, B, …) so that drift of the machine's speed falls on both alike.
        await BuildAsync(sdk, "-p:ReportAnalyzer=true");
        await BuildAsync(withOurs, "-p:ReportAnalyzer=true");
        var sdkWalls = new List<double>();
        var oursWalls = new List<double>();
        var oursAnalyzers = new List<double>();
        for (var i = 0; i < AddedWallRepetitions; i++)
        {
            var watch = Stopwatch.StartNew();
            await BuildAsync(sdk, "-t:Rebuild", "-p:ReportAnalyzer=true", "-v:d");
            sdkWalls.Add(watch.Elapsed.TotalSeconds);
            watch.Restart();
            var build = await BuildAsync(withOurs, "-t:Rebuild", "-p:ReportAnalyzer=true", "-v:d");
            oursWalls.Add(watch.Elapsed.TotalSeconds);
            oursAnalyzers.Add(AnalyzerSeconds(build.Output, Tools[0]));
        }

        var (sdkWall, oursWall, oursAnalyzer) = (Median(sdkWalls), Median(oursWalls), Median(oursAnalyzers));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"SDK only: {string.Join(", ", sdkWalls.Select(w => w.ToString("F1", CultureInfo.InvariantCulture)))} s; with ours: {string.Join(", ", oursWalls.Select(w => w.ToString("F1", CultureInfo.InvariantCulture)))} s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| SDK default analyzers | {sdkWall:F1} s |\n| SDK default analyzers + Defender365 | {oursWall:F1} s (our analyzers {oursAnalyzer:F3} s) |\nadded wall time: {100 * (oursWall - sdkWall) / sdkWall:F1} % (target ≤ 2 %; run-to-run noise here is a few %)"));
    }

    private static async Task<(double Wall, double Analyzer)> TimeBuildsAsync(string project, Func<string, double> analyzerSeconds)
    {
        await BuildAsync(project, "-p:ReportAnalyzer=true");
        var walls = new List<double>();
        var analyzers = new List<double>();
        for (var i = 0; i < CostRepetitions; i++)
        {
            var watch = Stopwatch.StartNew();
            var build = await BuildAsync(project, "-t:Rebuild", "-p:ReportAnalyzer=true", "-v:d");
            walls.Add(watch.Elapsed.TotalSeconds);
            analyzers.Add(analyzerSeconds(build.Output));
        }

        return (Median(walls), Median(analyzers));
    }

    /// <summary>Seconds the compiler reports for the tool's analyzers (sum over the lines that name them).</summary>
    private static double AnalyzerSeconds(string output, Tool tool)
    {
        var total = 0.0;
        foreach (Match match in ReportLine().Matches(output))
        {
            var name = match.Groups["name"].Value;
            var counts = tool.RuleId switch
            {
                "DEF3001" => name.StartsWith("Defender365.Toolkit.Analyzers,", StringComparison.Ordinal),
                "S2068" => name.Contains("DoNotHardcodeCredentials", StringComparison.Ordinal),
                _ => name.StartsWith("SecurityCodeScan", StringComparison.Ordinal) && name.Contains("Version=", StringComparison.Ordinal),
            };
            if (counts)
            {
                var text = match.Groups["seconds"].Value.TrimStart('<');
                total += double.Parse(text, CultureInfo.InvariantCulture);
            }
        }

        return total;
    }

    // "   0.123   12   Name" in the compiler's ReportAnalyzer table ("<0.001" for tiny values).
    [GeneratedRegex(@"^\s*(?<seconds><?\d+\.\d+)\s+(<?\d+)\s+(?<name>\S.*?)\s*$", RegexOptions.Multiline)]
    private static partial Regex ReportLine();

    private static string CreateProject(string name, Tool tool, IReadOnlyDictionary<string, string> sources, bool sdkAnalyzers = false)
    {
        var directory = Path.Combine(Path.GetTempPath(), "defender365-bench-" + name);
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "Directory.Build.props"), "<Project />");
        File.WriteAllText(Path.Combine(directory, "Directory.Packages.props"), "<Project />");
        File.WriteAllText(Path.Combine(directory, name + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net8.0</TargetFramework>
                <Nullable>disable</Nullable>
                <ImplicitUsings>disable</ImplicitUsings>
                <LangVersion>latest</LangVersion>
                <NoWarn>$(NoWarn);CS0414;CS0169;CS1998;CS8321</NoWarn>
                <EnableNETAnalyzers>{(sdkAnalyzers ? "true" : "false")}</EnableNETAnalyzers>
                <GenerateDocumentationFile>false</GenerateDocumentationFile>
              </PropertyGroup>
              <ItemGroup>
                {tool.Items}
                <GlobalAnalyzerConfigFiles Include="bench.globalconfig" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(directory, "bench.globalconfig"), "is_global = true\n" + tool.GlobalConfig);
        File.WriteAllText(Path.Combine(directory, "SonarLint.xml"), """
            <?xml version="1.0" encoding="UTF-8"?>
            <AnalysisInput>
              <Settings />
              <Rules>
                <Rule>
                  <Key>S2068</Key>
                  <Parameters>
                    <Parameter><Key>credentialWords</Key><Value>password, passwd, pwd, passphrase</Value></Parameter>
                  </Parameters>
                </Rule>
              </Rules>
              <Files />
            </AnalysisInput>
            """);
        foreach (var (file, text) in sources)
        {
            File.WriteAllText(Path.Combine(directory, file), text);
        }

        return directory;
    }

    private static async Task<(int ExitCode, string Output)> BuildAsync(string project, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = project, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("build");
        start.ArgumentList.Add("-nologo");
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }

    private static HashSet<(string File, int Line)> ReportedLines(string sarif, string ruleId)
    {
        using var log = JsonDocument.Parse(File.ReadAllText(sarif));
        var lines = new HashSet<(string, int)>();
        foreach (var run in log.RootElement.GetProperty("runs").EnumerateArray())
        {
            foreach (var result in run.GetProperty("results").EnumerateArray())
            {
                if (result.GetProperty("ruleId").GetString() != ruleId || !result.TryGetProperty("locations", out var locations))
                {
                    continue;
                }

                var physical = locations[0].GetProperty("physicalLocation");
                var uri = physical.GetProperty("artifactLocation").GetProperty("uri").GetString()!;
                var line = physical.GetProperty("region").GetProperty("startLine").GetInt32();
                lines.Add((Path.GetFileName(new Uri(uri).LocalPath), line));
            }
        }

        return lines;
    }

    private sealed record Score(int Labelled, int TruePositives, int FalsePositives, int FalseNegatives)
    {
        public double Precision => TruePositives + FalsePositives == 0 ? 0 : TruePositives / (double)(TruePositives + FalsePositives);

        public double Recall => Labelled == 0 ? 0 : TruePositives / (double)Labelled;

        public double F1 => Precision + Recall == 0 ? 0 : 2 * Precision * Recall / (Precision + Recall);
    }

    private static Score ScoreCorpus(string corpus, HashSet<(string File, int Line)> reported)
    {
        var labelled = new HashSet<(string, int)>();
        foreach (var path in Directory.GetFiles(corpus, "*.cs"))
        {
            var lines = File.ReadAllLines(path);
            for (var i = 0; i < lines.Length; i++)
            {
                if (lines[i].TrimEnd().EndsWith("// secret", StringComparison.Ordinal))
                {
                    labelled.Add((Path.GetFileName(path), i + 1));
                }
            }
        }

        var truePositives = labelled.Count(reported.Contains);
        return new Score(labelled.Count, truePositives, reported.Count(r => !labelled.Contains(r)), labelled.Count - truePositives);
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }

    private static string Tail(string output) => output.Length <= 400 ? output : output[^400..];
}
