using System.Diagnostics;
using System.Text;
using Defender365.Toolkit.Documentation;

namespace Defender365.Toolkit.PackageTests;

/// <summary>
/// A newcomer's first steps, as the README writes them, run by <c>bash</c> in a fresh copy of the repository: the first
/// quick-start command (the sample), step 1 (pack the tool, <c>dotnet tool install --global</c>, and its update after a
/// pull) and step 2 (the emulator in one shell, <c>doctor</c> in another). The blocks are read from the README and run
/// unchanged; only the home folder is the test's own, so the global tool lands there and not in the user's.
/// </summary>
[Collection(nameof(PackageCollection))]
public sealed class ReadmeWalkthroughTests(PackageFixture package) : IDisposable
{
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("defender365-readme-");

    private string Clone => Path.Combine(_work.FullName, "clone");

    private string Home => Path.Combine(_work.FullName, "home");

    // The tool package's versions that step 1 packs (0.1.0, and 0.1.0-local.* for the update): a copy left in the global
    // package folder would be reused by the next run's install, code changes or not.
    private static IEnumerable<string> CachedToolPackages =>
        Directory.Exists(Path.Combine(GlobalPackages, "defender365.toolkit.cli"))
            ? Directory.GetDirectories(Path.Combine(GlobalPackages, "defender365.toolkit.cli")).Where(d => Path.GetFileName(d) is var v && (v == "0.1.0" || v.StartsWith("0.1.0-local.", StringComparison.Ordinal)))
            : [];

    private static string GlobalPackages =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    public void Dispose()
    {
        DeleteCachedToolPackage();
        _work.Delete(recursive: true);
    }

    [Fact]
    public async Task Quick_start_and_steps_1_and_2_work_as_written_in_a_fresh_copy()
    {
        var blocks = DocumentationBlocks.Read().Where(b => b.File == "README.md" && b.Language == "sh").ToArray();
        var sample = blocks.First(b => b.Body.StartsWith("dotnet run --project samples/", StringComparison.Ordinal));
        var install = blocks.Single(b => b.Body.Contains("dotnet tool install --global", StringComparison.Ordinal));
        var update = blocks.Single(b => b.Body.Contains("dotnet tool update --global", StringComparison.Ordinal));
        var emulator = blocks.Single(b => b.Body.Contains("defender365 emulator", StringComparison.Ordinal));
        var doctor = blocks.Single(b => b.Body.Contains("defender365 doctor --emulator", StringComparison.Ordinal));
        CopyRepository();
        DeleteCachedToolPackage();

        var sampleRun = await RunAsync(sample.Body, TimeSpan.FromMinutes(5));
        Assert.True(sampleRun.ExitCode == 0, $"{sample}\n{sampleRun.Output}");
        Assert.Contains("2 of 3 tenants fully served.", sampleRun.Output, StringComparison.Ordinal);

        var installRun = await RunAsync(install.Body, TimeSpan.FromMinutes(8));
        Assert.True(installRun.ExitCode == 0, $"{install}\n{installRun.Output}");
        Assert.True(File.Exists(Path.Combine(Home, ".dotnet", "tools", OperatingSystem.IsWindows() ? "defender365.exe" : "defender365")), installRun.Output);

        // Updating after a pull: the installed tool is then the version just packed.
        var updateRun = await RunAsync(update.Body, TimeSpan.FromMinutes(8));
        Assert.True(updateRun.ExitCode == 0, $"{update}\n{updateRun.Output}");
        var version = await RunAsync("defender365 --version", TimeSpan.FromMinutes(1));
        Assert.Matches(@"^0\.1\.0-local\.\d+", version.Output);

        using var emulatorShell = Start(emulator.Body);
        try
        {
            await WaitForLineAsync(emulatorShell, "Press Ctrl+C to stop.", TimeSpan.FromMinutes(1));
            Assert.True(File.Exists(Path.Combine(Clone, "tenants.txt")), "The emulator wrote no tenants.txt.");

            var doctorRun = await RunAsync(doctor.Body, TimeSpan.FromMinutes(2));

            // What step 2 promises: Northwind lacks ThreatHunting.Read.All, the table says so with its link, exit code 1.
            Assert.True(doctorRun.ExitCode == 1, $"{doctor}\n{doctorRun.Output}");
            Assert.Matches(@"9c8b7a65-4d3e-4f21-8a0b-c1d2e3f4a5b6\s+Northwind Traders\s+missing\s+ThreatHunting\.Read\.All", doctorRun.Output);
            Assert.Contains("https://127.0.0.1:5443/9c8b7a65-4d3e-4f21-8a0b-c1d2e3f4a5b6/v2.0/adminconsent?client_id=", doctorRun.Output, StringComparison.Ordinal);
        }
        finally
        {
            TestProcess.Kill(emulatorShell);
        }
    }

    // The files of the checkout as git sees them (tracked, and new ones not ignored): no build output comes along.
    private void CopyRepository()
    {
        var start = new ProcessStartInfo("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"])
        {
            WorkingDirectory = package.RepositoryRoot,
            RedirectStandardOutput = true,
        };
        using var git = Process.Start(start)!;
        var files = git.StandardOutput.ReadToEnd().Split('\0', StringSplitOptions.RemoveEmptyEntries);
        git.WaitForExit();
        Assert.True(git.ExitCode == 0 && files.Length > 0, "git ls-files failed: the test copies a git checkout.");

        foreach (var file in files.Where(f => File.Exists(Path.Combine(package.RepositoryRoot, f))))
        {
            var target = Path.Combine(Clone, file);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(Path.Combine(package.RepositoryRoot, file), target);
        }
    }

    private Process Start(string script) => Process.Start(StartInfo(script))!;

    private ProcessStartInfo StartInfo(string script)
    {
        var start = new ProcessStartInfo("bash", ["-e", "-c", script])
        {
            WorkingDirectory = Clone,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        Directory.CreateDirectory(Home);
        // A home of the test's own: global tools install under it. Packages still come from the shared package folder.
        start.Environment["HOME"] = Home;
        start.Environment["DOTNET_CLI_HOME"] = Home;
        start.Environment["NUGET_PACKAGES"] = GlobalPackages;
        start.Environment["PATH"] = Path.Combine(Home, ".dotnet", "tools") + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        foreach (var name in new[] { "Defender__ClientId", "Defender__ClientSecret", "DEFENDER365_EMULATOR_SECRET", "DEFENDER365_TENANTS" })
        {
            start.Environment.Remove(name);
        }

        return start;
    }

    private async Task<(int ExitCode, string Output)> RunAsync(string script, TimeSpan timeout)
    {
        var (exitCode, output, error) = await TestProcess.RunAsync(StartInfo(script), timeout);
        return (exitCode, output + error);
    }

    private static async Task WaitForLineAsync(Process process, string expected, TimeSpan timeout)
    {
        var seen = new StringBuilder();
        using var cancel = new CancellationTokenSource(timeout);
        while (await process.StandardOutput.ReadLineAsync(cancel.Token) is { } line)
        {
            seen.AppendLine(line);
            if (line == expected)
            {
                return;
            }
        }

        Assert.Fail($"The emulator stopped before it was ready:\n{seen}{await process.StandardError.ReadToEndAsync(cancel.Token)}");
    }

    private static void DeleteCachedToolPackage()
    {
        foreach (var cached in CachedToolPackages)
        {
            Directory.Delete(cached, recursive: true);
        }
    }
}
