using System.Diagnostics;
using System.Reflection;

namespace Defender365.Toolkit.PackageTests;

/// <summary>
/// Packs Defender365.Toolkit once, with a version of its own, into a folder feed; consumers restore from that feed and
/// the public registry. The version is removed from the global package folder afterwards so no run sees a stale copy.
/// </summary>
public sealed class PackageFixture : IAsyncLifetime
{
    public string RepositoryRoot { get; } = typeof(PackageFixture).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;

    public string Version { get; } = "0.1.0-test." + Guid.NewGuid().ToString("N")[..8];

    public string Feed { get; } = Path.Combine(Path.GetTempPath(), "defender365-feed-" + Guid.NewGuid().ToString("N")[..8]);

    public string PackagePath => Path.Combine(Feed, $"Defender365.Toolkit.{Version}.nupkg");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Feed);
        var pack = await DotNet.RunAsync(RepositoryRoot, "pack", "src/Defender365.Toolkit/Defender365.Toolkit.csproj", "-c", "Release", "-o", Feed, $"-p:Version={Version}", "-nodeReuse:false");
        Assert.True(pack.ExitCode == 0, pack.Output);
    }

    public Task DisposeAsync()
    {
        TryDelete(Feed);
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        TryDelete(Path.Combine(packages, "defender365.toolkit", Version));
        return Task.CompletedTask;
    }

    /// <summary>A throwaway consumer project that references the packed package from the feed.</summary>
    public string CreateConsumer(string name, string manifest, string program)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"defender365-{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{Feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(directory, $"{name}.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Defender365.Toolkit" Version="{Version}" />
              </ItemGroup>
            </Project>
            """);
        // Isolate from the repository's build settings.
        File.WriteAllText(Path.Combine(directory, "Directory.Build.props"), "<Project />");
        File.WriteAllText(Path.Combine(directory, "Directory.Packages.props"), "<Project />");
        File.WriteAllText(Path.Combine(directory, "defender-scopes.json"), manifest);
        File.WriteAllText(Path.Combine(directory, "Program.cs"), program);
        return directory;
    }

    private static void TryDelete(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (IOException)
        {
            // Best effort: a leftover temp folder is harmless.
        }
    }
}

/// <summary>Runs the dotnet CLI and captures its output.</summary>
internal static class DotNet
{
    public static async Task<(int ExitCode, string Output)> RunAsync(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet", arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        var (exitCode, output, error) = await TestProcess.RunAsync(start, TimeSpan.FromMinutes(8));
        return (exitCode, output + error);
    }
}

[CollectionDefinition(nameof(PackageCollection))]
public sealed class PackageCollection : ICollectionFixture<PackageFixture>;
