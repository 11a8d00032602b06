using Defender365.Toolkit.Benchmarks;

// Figures, run by hand in Release (README.md of this folder):
//   dotnet run -c Release --project tests/Defender365.Toolkit.Benchmarks [-- tokens|memory|scale-out|generator|paging|reliability|analyzers|secrets|real-code] [--tenants 1,1000,100000]
// "secrets" restores SonarAnalyzer.CSharp and SecurityCodeScan.VS2019 into throwaway projects and takes several minutes.
// The part to run: the first argument that is neither an option nor the value of one (--tenants 1,1000, --sources dir).
string[] optionsWithValues = ["--tenants", "--sources"];
var which = args.Where((a, i) => !a.StartsWith("--", StringComparison.Ordinal) && (i == 0 || !optionsWithValues.Contains(args[i - 1]))).FirstOrDefault() ?? "all";
if (which is "all" or "tokens")
{
    await TokenCacheBenchmark.RunAsync(args);
}

if (which is "memory")
{
    await TokenCacheBenchmark.MemoryPerTenantAsync(args.SkipWhile(a => a != "--tenants").Skip(1).Select(int.Parse).FirstOrDefault(100_000));
}

if (which is "scale-out")
{
    await ScaleOutBenchmark.RunAsync(args);
}

if (which is "all" or "generator")
{
    GeneratorBenchmark.Run();
}

if (which is "all" or "paging")
{
    await PagingBenchmark.RunAsync();
}

if (which is "reliability")
{
    await ReliabilityBenchmark.RunAsync();
}

if (which is "analyzers")
{
    await AnalyzerTimingBenchmark.RunAsync();
}

if (which is "real-code")
{
    await RealCodeBenchmark.RunAsync(RepositoryRoot(), args);
}

if (which is "secrets")
{
    await SecretDetectionBenchmark.RunAsync(RepositoryRoot(), onlyAddedWallTime: args.Contains("--added-wall-time"));
}

return 0;

static string RepositoryRoot()
{
    for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
    {
        if (File.Exists(Path.Combine(directory.FullName, "Defender365.Toolkit.sln")))
        {
            return directory.FullName;
        }
    }

    throw new InvalidOperationException("Run from inside the repository: the secret corpus is read from tests/SecretCorpus.");
}
