using System.IO.Compression;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Xml.Linq;

namespace Defender365.Toolkit.PackageTests;

/// <summary>
/// The toolkit's .nupkg holds exactly the runtime, one analyzer slot, the build props, the schema and its own README; the
/// emulator's holds the emulator and its README and depends on the toolkit of the same version.
/// </summary>
[Collection(nameof(PackageCollection))]
public sealed class PackageLayoutTests(PackageFixture package)
{
    [Fact]
    public void Package_has_exactly_the_expected_files()
    {
        using var zip = ZipFile.OpenRead(package.PackagePath);
        var files = zip.Entries.Select(e => e.FullName)
            .Where(n => !n.StartsWith("_rels/", StringComparison.Ordinal) && !n.StartsWith("package/", StringComparison.Ordinal) && n != "[Content_Types].xml" && !n.EndsWith(".nuspec", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToArray();
        Assert.Equal(
        [
            "README.md",
            "analyzers/dotnet/roslyn4.8/cs/Defender365.Toolkit.Analyzers.dll",
            "analyzers/dotnet/roslyn4.8/cs/Defender365.Toolkit.CodeFixes.dll",
            "buildTransitive/Defender365.Toolkit.props",
            "buildTransitive/Defender365.Toolkit.targets",
            "lib/net8.0/Defender365.Toolkit.dll",
            "lib/net8.0/Defender365.Toolkit.xml",
            "schema/defender-scopes.schema.json",
        ], files);
    }

    [Fact]
    public void No_roslyn_assembly_is_shipped_and_the_analyzer_binds_to_roslyn_4_8()
    {
        using var zip = ZipFile.OpenRead(package.PackagePath);
        Assert.DoesNotContain(zip.Entries, e => e.Name.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal));

        using var analyzer = new MemoryStream();
        using (var entry = zip.GetEntry("analyzers/dotnet/roslyn4.8/cs/Defender365.Toolkit.Analyzers.dll")!.Open())
        {
            entry.CopyTo(analyzer);
        }

        analyzer.Position = 0;
        using var pe = new PEReader(analyzer);
        var metadata = pe.GetMetadataReader();
        var roslyn = metadata.AssemblyReferences.Select(metadata.GetAssemblyReference).Where(r => metadata.GetString(r.Name).StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(roslyn);
        Assert.All(roslyn, r => Assert.Equal(new Version(4, 8, 0, 0), r.Version));
        Assert.DoesNotContain(metadata.AssemblyReferences.Select(metadata.GetAssemblyReference), r => metadata.GetString(r.Name) == "System.Text.Json");
    }

    [Fact]
    public void Nuspec_depends_only_on_the_runtime_libraries()
    {
        var document = PackageFixture.Nuspec(package.PackagePath);
        var dependencies = document.Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => (string)e.Attribute("id")!).Order().ToArray();
        // Roslyn, the generator's helpers and the emulator's packages must never become the app's dependencies.
        Assert.Equal(
            [
                "Azure.Core",
                "Microsoft.Extensions.Caching.Abstractions",
                "Microsoft.Extensions.Configuration.Binder",
                "Microsoft.Extensions.DependencyInjection.Abstractions",
                "Microsoft.Extensions.Http",
                "Microsoft.Extensions.Logging.Abstractions",
                "Microsoft.Extensions.Options.ConfigurationExtensions",
                "Microsoft.Identity.Client",
                "System.Threading.RateLimiting",
            ],
            dependencies);
        Assert.Equal("README.md", document.Descendants().Single(e => e.Name.LocalName == "readme").Value);
    }

    [Fact]
    public void Emulator_package_holds_the_emulator_and_depends_on_the_same_toolkit_version()
    {
        using var zip = ZipFile.OpenRead(package.EmulatorPackagePath);
        var files = zip.Entries.Select(e => e.FullName).Where(n => n.StartsWith("lib/", StringComparison.Ordinal) || n == "README.md").Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(
        [
            "README.md",
            "lib/net10.0/Defender365.Toolkit.Emulator.dll",
            "lib/net10.0/Defender365.Toolkit.Emulator.runtimeconfig.json",
            "lib/net10.0/Defender365.Toolkit.Emulator.xml",
            "lib/net8.0/Defender365.Toolkit.Emulator.dll",
            "lib/net8.0/Defender365.Toolkit.Emulator.runtimeconfig.json",
            "lib/net8.0/Defender365.Toolkit.Emulator.xml",
        ], files);

        using var stream = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
        var document = XDocument.Load(stream);
        // One dependency group per target framework, each on this very toolkit version.
        var toolkit = document.Descendants().Where(e => e.Name.LocalName == "dependency" && (string?)e.Attribute("id") == "Defender365.Toolkit").ToArray();
        Assert.Equal(2, toolkit.Length);
        Assert.All(toolkit, dependency => Assert.Equal(package.Version, (string?)dependency.Attribute("version")));
        Assert.Contains(document.Descendants(), e => e.Name.LocalName == "frameworkReference" && (string?)e.Attribute("name") == "Microsoft.AspNetCore.App");
        Assert.Equal("README.md", document.Descendants().Single(e => e.Name.LocalName == "readme").Value);
    }

    [Fact]
    public void Package_readmes_are_their_own_and_link_only_to_absolute_addresses()
    {
        foreach (var path in new[] { package.PackagePath, package.EmulatorPackagePath })
        {
            using var zip = ZipFile.OpenRead(path);
            using var reader = new StreamReader(zip.GetEntry("README.md")!.Open());
            var readme = reader.ReadToEnd();

            // A package page has no docs/ folder and no clone: every link is absolute, no command needs the repository.
            var links = System.Text.RegularExpressions.Regex.Matches(readme, @"\]\((?<target>[^)\s]+)\)").Select(m => m.Groups["target"].Value).ToArray();
            Assert.NotEmpty(links);
            Assert.All(links, link => Assert.StartsWith("https://", link, StringComparison.Ordinal));
            Assert.DoesNotContain("--project src/", readme, StringComparison.Ordinal);
            Assert.DoesNotContain("Defender365.Toolkit.sln", readme, StringComparison.Ordinal);
            Assert.Contains("dotnet add package " + Path.GetFileName(path)[..^(package.Version.Length + ".nupkg".Length + 1)], readme, StringComparison.Ordinal);
        }
    }
}
