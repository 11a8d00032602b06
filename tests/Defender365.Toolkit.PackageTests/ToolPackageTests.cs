using System.Diagnostics;

namespace Defender365.Toolkit.PackageTests;

/// <summary>
/// The defender365 tool as users get it: packed, installed with <c>dotnet tool install</c> from a folder feed into a tool
/// path, and run by its command name.
/// </summary>
/// <remarks>
/// In the package collection, not a class fixture of its own: a second PackageFixture packed the runtime in Release while
/// the collection's did, and the two builds raced on the same output files (MSB4018, "file used by another process").
/// </remarks>
[Collection(nameof(PackageCollection))]
public sealed class ToolPackageTests(PackageFixture fixture) : IDisposable
{
    private readonly string _version = "0.1.0-test." + Guid.NewGuid().ToString("N")[..8];
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("defender365-tool-");

    public void Dispose()
    {
        _work.Delete(recursive: true);
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var cached = Path.Combine(packages, "defender365.toolkit.cli", _version);
        if (Directory.Exists(cached))
        {
            Directory.Delete(cached, recursive: true);
        }
    }

    [Fact]
    public async Task Installs_from_a_feed_and_runs_help_and_consent_url()
    {
        var feed = Path.Combine(_work.FullName, "feed");
        var toolPath = Path.Combine(_work.FullName, "tools");
        var pack = await DotNet.RunAsync(fixture.RepositoryRoot, "pack", "src/Defender365.Toolkit.Cli/Defender365.Toolkit.Cli.csproj", "-c", "Release", "-o", feed, $"-p:Version={_version}", "-nodeReuse:false");
        Assert.True(pack.ExitCode == 0, pack.Output);
        Assert.True(File.Exists(Path.Combine(feed, $"Defender365.Toolkit.Cli.{_version}.nupkg")), pack.Output);

        var install = await DotNet.RunAsync(_work.FullName, "tool", "install", "Defender365.Toolkit.Cli", "--version", _version, "--tool-path", toolPath, "--add-source", feed);
        Assert.True(install.ExitCode == 0, install.Output);

        var help = await RunToolAsync(toolPath, "--help");
        Assert.True(help.ExitCode == 0, help.Output);
        Assert.Contains("consent-url", help.Output, StringComparison.Ordinal);
        Assert.Contains("doctor", help.Output, StringComparison.Ordinal);

        var consent = await RunToolAsync(toolPath, "consent-url", "--client-id", "5f0e3a43-9b5c-4f2a-9f60-3c1f2b8f6d01", "--tenant", "contoso.onmicrosoft.com");
        Assert.True(consent.ExitCode == 0, consent.Output);
        Assert.Contains(
            "https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0/adminconsent?client_id=5f0e3a43-9b5c-4f2a-9f60-3c1f2b8f6d01&scope=https%3A%2F%2Fapi.security.microsoft.com%2F.default",
            consent.Output,
            StringComparison.Ordinal);
    }

    // By its command name in the tool path, as a user's shell finds it.
    private static async Task<(int ExitCode, string Output)> RunToolAsync(string toolPath, params string[] arguments)
    {
        var executable = Path.Combine(toolPath, OperatingSystem.IsWindows() ? "defender365.exe" : "defender365");
        Assert.True(File.Exists(executable), $"No {executable} after install.");
        var (exitCode, output, error) = await TestProcess.RunAsync(new ProcessStartInfo(executable, arguments), TimeSpan.FromMinutes(2));
        return (exitCode, output + error);
    }
}
