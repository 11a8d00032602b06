using System.Reflection;
using Defender365.Toolkit.Analyzers.Generation;
using Microsoft.CodeAnalysis;

namespace Defender365.Toolkit.Analyzers.Tests.Generation;

/// <summary>
/// Checked-in expected output: <c>Generation/Baselines/{Test}/{HintName}.txt</c>, with <c>%VERSION%</c> for the
/// generator version. To accept new output after a deliberate change, run the tests with
/// <c>DEFENDER_UPDATE_BASELINES=1</c>; the files are rewritten (stale ones deleted) and the diff is yours to review.
/// </summary>
internal static class Baselines
{
    private static readonly string Directory = typeof(Baselines).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "BaselinesDirectory").Value!;

    private static bool Update => Environment.GetEnvironmentVariable("DEFENDER_UPDATE_BASELINES") == "1";

    public static void Verify(string testName, GeneratorDriverRunResult result)
    {
        var generated = result.Results.Single().GeneratedSources
            .ToDictionary(s => s.HintName + ".txt", s => s.SourceText.ToString().Replace(Emitter.GeneratorVersion, "%VERSION%", StringComparison.Ordinal));
        var folder = Path.Combine(Directory, testName);

        if (Update)
        {
            if (System.IO.Directory.Exists(folder))
            {
                System.IO.Directory.Delete(folder, recursive: true);
            }

            System.IO.Directory.CreateDirectory(folder);
            foreach (var (name, text) in generated)
            {
                File.WriteAllText(Path.Combine(folder, name), text);
            }

            return;
        }

        var expectedNames = System.IO.Directory.Exists(folder)
            ? System.IO.Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()
            : [];
        Assert.Equal(expectedNames, generated.Keys.Order(StringComparer.Ordinal).ToArray());
        foreach (var (name, text) in generated)
        {
            var expected = File.ReadAllText(Path.Combine(folder, name));
            Assert.True(expected == text, $"{testName}/{name} differs from its baseline. Run with DEFENDER_UPDATE_BASELINES=1 and review the diff.\n--- generated ---\n{text}");
        }
    }
}
