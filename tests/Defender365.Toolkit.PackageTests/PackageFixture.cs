using System.Diagnostics;
using System.Reflection;

namespace Defender365.Toolkit.PackageTests;

/// <summary>
/// Packs Defender365.Toolkit, Defender365.Toolkit.Emulator and Defender365.Toolkit.Redis once, with a version of their own, into a folder feed; consumers restore from that feed and
/// the public registry. The version is removed from the global package folder afterwards so no run sees a stale copy.
/// </summary>
public sealed class PackageFixture : IAsyncLifetime
{
    public string RepositoryRoot { get; } = typeof(PackageFixture).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;

    public string Version { get; } = "0.1.0-test." + Guid.NewGuid().ToString("N")[..8];

    public string Feed { get; } = Path.Combine(Path.GetTempPath(), "defender365-feed-" + Guid.NewGuid().ToString("N")[..8]);

    public string PackagePath => Path.Combine(Feed, $"Defender365.Toolkit.{Version}.nupkg");

    public string EmulatorPackagePath => Path.Combine(Feed, $"Defender365.Toolkit.Emulator.{Version}.nupkg");

    public string RedisPackagePath => Path.Combine(Feed, $"Defender365.Toolkit.Redis.{Version}.nupkg");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Feed);
        // One after the other: both build the runtime's Release output, which two packs at once would race on.
        foreach (var project in new[] { "src/Defender365.Toolkit/Defender365.Toolkit.csproj", "src/Defender365.Toolkit.Emulator/Defender365.Toolkit.Emulator.csproj", "src/Defender365.Toolkit.Redis/Defender365.Toolkit.Redis.csproj" })
        {
            var pack = await DotNet.RunAsync(RepositoryRoot, "pack", project, "-c", "Release", "-o", Feed, $"-p:Version={Version}", "-nodeReuse:false");
            Assert.True(pack.ExitCode == 0, pack.Output);
        }
    }

    public Task DisposeAsync()
    {
        TryDelete(Feed);
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        TryDelete(Path.Combine(packages, "defender365.toolkit", Version));
        TryDelete(Path.Combine(packages, "defender365.toolkit.emulator", Version));
        TryDelete(Path.Combine(packages, "defender365.toolkit.redis", Version));
        return Task.CompletedTask;
    }

    /// <summary>The manifest (.nuspec) of a packed package.</summary>
    public static System.Xml.Linq.XDocument Nuspec(string packagePath)
    {
        using var zip = System.IO.Compression.ZipFile.OpenRead(packagePath);
        using var stream = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
        return System.Xml.Linq.XDocument.Load(stream);
    }

    /// <summary>A throwaway consumer project that references the packed package from the feed.</summary>
    /// <param name="name">The project's name.</param>
    /// <param name="manifest">Its defender-scopes.json.</param>
    /// <param name="program">Its Program.cs.</param>
    /// <param name="testProject">An xunit test project that also references the emulator package, instead of an app.</param>
    /// <param name="redis">Whether it also references the Redis package.</param>
    public string CreateConsumer(string name, string manifest, string program, bool testProject = false, bool redis = false)
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
        File.WriteAllText(Path.Combine(directory, $"{name}.csproj"), $$"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                {{(testProject ? "<IsPackable>false</IsPackable>" : "<OutputType>Exe</OutputType>")}}
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Defender365.Toolkit" Version="{{Version}}" />
                {{(testProject ? TestReferences : string.Empty)}}
                {{(redis ? $"<PackageReference Include=\"Defender365.Toolkit.Redis\" Version=\"{Version}\" />" : string.Empty)}}
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

    private string TestReferences => $"""
        <PackageReference Include="Defender365.Toolkit.Emulator" Version="{Version}" />
            <PackageReference Include="Microsoft.NET.Test.Sdk" Version="{CentralVersion("Microsoft.NET.Test.Sdk")}" />
            <PackageReference Include="xunit" Version="{CentralVersion("xunit")}" />
            <PackageReference Include="xunit.runner.visualstudio" Version="{CentralVersion("xunit.runner.visualstudio")}" />
        """;

    // The versions this repository's own tests use (served by the registry the consumer restores from).
    private string CentralVersion(string id) =>
        System.Xml.Linq.XDocument.Load(Path.Combine(RepositoryRoot, "Directory.Packages.props")).Descendants("PackageVersion")
            .Single(e => (string?)e.Attribute("Include") == id).Attribute("Version")!.Value;

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
