using Defender365.Toolkit.Benchmarks;

// Figures, run by hand in Release (README.md of this folder):
//   dotnet run -c Release --project tests/Defender365.Toolkit.Benchmarks [-- tokens|generator|paging] [--tenants 1,1000,100000]
var which = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal) && !a.Contains(',', StringComparison.Ordinal)) ?? "all";
if (which is "all" or "tokens")
{
    await TokenCacheBenchmark.RunAsync(args);
}

if (which is "all" or "generator")
{
    GeneratorBenchmark.Run();
}

if (which is "all" or "paging")
{
    await PagingBenchmark.RunAsync();
}

return 0;
