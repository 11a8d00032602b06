using Defender365.Toolkit.Analyzers.Tests.Infrastructure;

namespace Defender365.Toolkit.Analyzers.Tests.Generation;

/// <summary>
/// Thousands of damaged manifests through the real generator: it never throws (no CS8785 "generator failed"), and every
/// problem it reports is a DEF1xxx located inside the manifest.
/// </summary>
public sealed class FuzzTests
{
    private const int Cases = 3000;

    [Fact]
    public void Mutated_and_truncated_manifests_never_crash_the_generator_and_always_get_located_diagnostics()
    {
        var random = new Random(1365);
        var sources = new[] { Manifests.Soc, Manifests.GraphOnly, Manifests.Everything() };
        var compilation = GeneratorHarness.Compilation();
        var truncatedWithoutError = 0;

        for (var i = 0; i < Cases; i++)
        {
            var original = sources[i % sources.Length];
            var truncated = i % 3 == 0;
            var text = truncated ? original[..random.Next(0, original.Length - 1)] : Mutate(original, random);
            var driver = GeneratorHarness.Driver([new InMemoryAdditionalText(GeneratorHarness.ManifestPath, text)]);
            // The generator's own diagnostics carry CS8785 when it throws; compiling the output is not needed for that.
            driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out _, out var diagnostics);

            var run = driver.GetRunResult().Results.Single();
            Assert.True(run.Exception is null, $"case {i} threw {run.Exception}\n{text}");
            Assert.DoesNotContain(diagnostics, d => d.Id == "CS8785");
            foreach (var diagnostic in diagnostics.Where(d => d.Id != "CS8785"))
            {
                Assert.StartsWith("DEF1", diagnostic.Id, StringComparison.Ordinal);
                var span = diagnostic.Location.GetLineSpan();
                Assert.Equal(GeneratorHarness.ManifestPath, span.Path);
                Assert.InRange(diagnostic.Location.SourceSpan.End, 0, text.Length);
            }

            if (truncated && diagnostics.IsEmpty)
            {
                truncatedWithoutError++;
            }
        }

        // A cut-off manifest is never valid JSON.
        Assert.Equal(0, truncatedWithoutError);
    }

    private static string Mutate(string text, Random random)
    {
        var chars = text.ToCharArray().ToList();
        var edits = random.Next(1, 4);
        const string alphabet = "{}[]\":,.\\ ax0-/*\n\tu";
        for (var e = 0; e < edits && chars.Count > 0; e++)
        {
            var at = random.Next(chars.Count);
            switch (random.Next(4))
            {
                case 0: chars.RemoveAt(at); break;
                case 1: chars.Insert(at, alphabet[random.Next(alphabet.Length)]); break;
                case 2: chars[at] = alphabet[random.Next(alphabet.Length)]; break;
                default:
                    // Swap the case of a letter: permission names are case-sensitive.
                    chars[at] = char.IsUpper(chars[at]) ? char.ToLowerInvariant(chars[at]) : char.ToUpperInvariant(chars[at]);
                    break;
            }
        }

        return new string(chars.ToArray());
    }
}
