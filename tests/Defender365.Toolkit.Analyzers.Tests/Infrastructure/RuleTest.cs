using Defender365.Toolkit.Authorization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace Defender365.Toolkit.Analyzers.Tests.Infrastructure;

/// <summary>
/// The one setup of a rule or fix test: .NET 8 reference assemblies (the oldest runtime the package supports), and on
/// request the toolkit's attribute, a manifest, a global config. A new rule's test reads
/// <c>RuleTest.For&lt;MyAnalyzer&gt;(source).WithManifest(json).Expect(…).RunAsync()</c>.
/// </summary>
internal static class RuleTest
{
    /// <summary>Where the manifest sits in every test project.</summary>
    public const string ManifestPath = "/0/defender-scopes.json";

    /// <summary>The framework the tests compile against.</summary>
    public static ReferenceAssemblies ReferenceAssemblies { get; } = ReferenceAssemblies.Net.Net80;

    /// <summary>The toolkit assembly, for <c>[RequiresDefenderPermission]</c>.</summary>
    public static MetadataReference Toolkit { get; } = MetadataReference.CreateFromFile(typeof(RequiresDefenderPermissionAttribute).Assembly.Location);

    /// <summary>An analyzer test over <paramref name="sources"/> (markup allowed).</summary>
    public static CSharpAnalyzerTest<TAnalyzer, DefaultVerifier> For<TAnalyzer>(params string[] sources)
        where TAnalyzer : DiagnosticAnalyzer, new()
    {
        var test = new CSharpAnalyzerTest<TAnalyzer, DefaultVerifier> { ReferenceAssemblies = ReferenceAssemblies };
        foreach (var source in sources)
        {
            test.TestState.Sources.Add(source);
        }

        return test;
    }

    /// <summary>A code-fix test from <paramref name="source"/> to <paramref name="fixedSource"/> (set <c>null</c> to fill the states by hand).</summary>
    public static CSharpCodeFixTest<TAnalyzer, TFix, DefaultVerifier> Fix<TAnalyzer, TFix>(string? source = null, string? fixedSource = null)
        where TAnalyzer : DiagnosticAnalyzer, new()
        where TFix : CodeFixProvider, new()
    {
        var test = new CSharpCodeFixTest<TAnalyzer, TFix, DefaultVerifier> { ReferenceAssemblies = ReferenceAssemblies };
        if (source is not null)
        {
            test.TestCode = source;
        }

        if (fixedSource is not null)
        {
            test.FixedCode = fixedSource;
        }

        return test;
    }

    /// <summary>Adds a scope manifest at <see cref="ManifestPath"/> (or <paramref name="path"/>).</summary>
    public static TTest WithManifest<TTest>(this TTest test, string json, string path = ManifestPath)
        where TTest : AnalyzerTest<DefaultVerifier>
    {
        test.TestState.AdditionalFiles.Add((path, Microsoft.CodeAnalysis.Text.SourceText.From(json)));
        return test;
    }

    /// <summary>References the toolkit, for <c>[RequiresDefenderPermission]</c>.</summary>
    public static TTest WithToolkit<TTest>(this TTest test)
        where TTest : AnalyzerTest<DefaultVerifier>
    {
        test.TestState.AdditionalReferences.Add(Toolkit);
        return test;
    }

    /// <summary>Adds a global analyzer config (<c>is_global = true</c> is added); nothing when <paramref name="lines"/> is null.</summary>
    public static TTest WithGlobalConfig<TTest>(this TTest test, string? lines)
        where TTest : AnalyzerTest<DefaultVerifier>
    {
        if (lines is not null)
        {
            test.TestState.AnalyzerConfigFiles.Add(("/.globalconfig", "is_global = true\n" + lines));
        }

        return test;
    }

    /// <summary>Turns a rule off (DEF2002 in DEF2001 tests, which have their own).</summary>
    public static TTest Without<TTest>(this TTest test, string id)
        where TTest : AnalyzerTest<DefaultVerifier>
    {
        test.DisabledDiagnostics.Add(id);
        return test;
    }

    /// <summary>The diagnostics the test expects (none when empty).</summary>
    public static TTest Expect<TTest>(this TTest test, params DiagnosticResult[] expected)
        where TTest : AnalyzerTest<DefaultVerifier>
    {
        test.ExpectedDiagnostics.AddRange(expected);
        return test;
    }
}
