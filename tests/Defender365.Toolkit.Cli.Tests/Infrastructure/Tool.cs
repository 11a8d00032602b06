using System.Diagnostics;
using System.Reflection;

namespace Defender365.Toolkit.Cli.Tests.Infrastructure;

/// <summary>Runs the built <c>defender365</c> tool as a process, with only the environment a test gives it.</summary>
internal static class Tool
{
    public static string AssemblyPath { get; } = Metadata("CliAssemblyPath");

    public static string RepositoryRoot { get; } = Metadata("RepositoryRoot");

    public static ProcessStartInfo StartInfo(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        Assert.True(File.Exists(AssemblyPath), $"The tool was not built at {AssemblyPath}.");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        if (workingDirectory is not null)
        {
            start.WorkingDirectory = workingDirectory;
        }

        start.ArgumentList.Add(AssemblyPath);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Real credentials of the machine must not leak into a test, nor the test's into each other: the tool's own
        // variables and every Defender configuration key (read case-insensitively, as a hosted app reads them).
        foreach (var name in start.Environment.Keys.Where(IsToolSetting).ToArray())
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return start;
    }

    private static bool IsToolSetting(string name) =>
        name.StartsWith("DEFENDER365_", StringComparison.OrdinalIgnoreCase) || name.StartsWith("Defender__", StringComparison.OrdinalIgnoreCase);

    public static async Task<CliResult> RunAsync(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var (exitCode, output, error) = await TestProcess.RunAsync(StartInfo(arguments, environment, workingDirectory), TimeSpan.FromMinutes(2));
        return new CliResult(exitCode, output, error);
    }

    private static string Metadata(string key) =>
        typeof(Tool).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}

/// <summary>What a run of the tool printed and returned.</summary>
internal sealed record CliResult(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";
}
