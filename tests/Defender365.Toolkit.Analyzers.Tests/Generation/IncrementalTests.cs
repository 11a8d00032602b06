using Defender365.Toolkit.Analyzers.Generation;
using Defender365.Toolkit.Analyzers.Generation.Specs;
using Defender365.Toolkit.Analyzers.Incremental;
using Defender365.Toolkit.Analyzers.Manifest;
using Defender365.Toolkit.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Defender365.Toolkit.Analyzers.Tests.Generation;

/// <summary>What regenerates after an edit: nothing for unrelated code, only what the manifest's meaning changed.</summary>
public sealed class IncrementalTests
{
    private static (GeneratorDriver Driver, Compilation Compilation, AdditionalText Manifest) FirstRun(string manifest = Manifests.Soc)
    {
        var compilation = GeneratorHarness.Compilation();
        var text = new InMemoryAdditionalText(GeneratorHarness.ManifestPath, manifest);
        var (driver, _, _) = GeneratorHarness.Run(GeneratorHarness.Driver([text]), compilation);
        return (driver, compilation, text);
    }

    private static IEnumerable<IncrementalStepRunReason> OutputReasons(GeneratorRunResult result) =>
        result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs).Select(o => o.Reason);

    [Fact]
    public void An_unrelated_csharp_edit_regenerates_nothing()
    {
        var (driver, compilation, _) = FirstRun();
        var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("namespace App { class Unrelated { } }", GeneratorHarness.ParseOptions(), path: "/project/Unrelated.cs"));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        Assert.All(IncrementalAssert.Reasons(result, TrackingNames.ParseManifest), r => Assert.Equal(IncrementalStepRunReason.Cached, r));
        Assert.All(IncrementalAssert.Reasons(result, TrackingNames.BuildClientSpec), r => Assert.Equal(IncrementalStepRunReason.Cached, r));
        Assert.All(OutputReasons(result), r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, r.ToString()));
        IncrementalAssert.NoRoslynObjectsHeld(result);
    }

    [Fact]
    public void Whitespace_and_key_order_edits_reparse_but_emit_nothing_new()
    {
        var (driver, compilation, manifest) = FirstRun();
        var old = driver.GetRunResult().Results.Single();
        var reordered = """
            {
              "permissions": {
                "WindowsDefenderATP":          { "application": ["Machine.Isolate", "Machine.Read.All"] },
                "Microsoft Threat Protection": { "application": ["AdvancedHunting.Read.All",   "Incident.Read.All"] }
              },
              "namespace": "Contoso.SocConnector.Defender", "cloud": "Commercial"
            }
            """;
        driver = driver.ReplaceAdditionalText(manifest, new InMemoryAdditionalText(GeneratorHarness.ManifestPath, reordered));
        var result = driver.RunGenerators(compilation).GetRunResult().Results.Single();

        // The file changed, so it was read again; its meaning did not, so everything after the parse is unchanged.
        Assert.DoesNotContain(IncrementalStepRunReason.Cached, IncrementalAssert.Reasons(result, TrackingNames.ParseManifest));
        Assert.All(IncrementalAssert.Reasons(result, TrackingNames.BuildSpec), r => Assert.True(r is IncrementalStepRunReason.Unchanged or IncrementalStepRunReason.Cached, r.ToString()));
        Assert.All(OutputReasons(result), r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, r.ToString()));
        Assert.Equal(old.GeneratedSources.Select(s => s.SourceText.ToString()), result.GeneratedSources.Select(s => s.SourceText.ToString()));
    }

    [Fact]
    public void A_new_permission_changes_the_output()
    {
        var (driver, compilation, manifest) = FirstRun();
        driver = driver.ReplaceAdditionalText(manifest, new InMemoryAdditionalText(GeneratorHarness.ManifestPath, Manifests.Soc.Replace("\"Machine.Isolate\"", "\"Machine.Isolate\", \"Ti.ReadWrite.All\"", StringComparison.Ordinal)));
        var result = driver.RunGenerators(compilation).GetRunResult().Results.Single();

        Assert.Contains(IncrementalStepRunReason.Modified, IncrementalAssert.Reasons(result, TrackingNames.BuildSpec));
        Assert.Contains(IncrementalStepRunReason.Modified, IncrementalAssert.Reasons(result, TrackingNames.BuildClientSpec));
        Assert.Contains(IncrementalStepRunReason.Modified, OutputReasons(result));
        Assert.Contains("TiReadWriteAll", result.GeneratedSources.Single(s => s.HintName == "Defender365.Permissions.g.cs").SourceText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_client_spec_compares_by_value_all_the_way_down()
    {
        // The pipeline caches on it: two builds of one manifest must be equal (and hash alike), a different one not.
        var spec = new GenerationSpec("Contoso.Defender", "Commercial", new[] { new ResourceGrantSpec("MicrosoftThreatProtection", new[] { "Incident.Read.All" }.ToEquatableArray(), EquatableArray<string>.Empty) }.ToEquatableArray());
        var other = spec with { Resources = new[] { new ResourceGrantSpec("MicrosoftThreatProtection", new[] { "Incident.ReadWrite.All" }.ToEquatableArray(), EquatableArray<string>.Empty) }.ToEquatableArray() };

        Assert.Equal(ClientSpecBuilder.Build(spec), ClientSpecBuilder.Build(spec));
        Assert.Equal(ClientSpecBuilder.Build(spec).GetHashCode(), ClientSpecBuilder.Build(spec).GetHashCode());
        Assert.NotEqual(ClientSpecBuilder.Build(spec), ClientSpecBuilder.Build(other));
    }
}
