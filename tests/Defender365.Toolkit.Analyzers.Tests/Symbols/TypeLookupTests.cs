using Defender365.Toolkit.Analyzers.Symbols;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Defender365.Toolkit.Analyzers.Tests.Symbols;

/// <summary>Why the rules look types up with <see cref="TypeLookup.GetBestType"/> (GetTypeByMetadataName is banned).</summary>
public sealed class TypeLookupTests
{
    private const string Name = "Defender365.Toolkit.Authorization.RequiresDefenderPermissionAttribute";

    private static MetadataReference Library(string assembly, string accessibility) => CSharpCompilation.Create(
            assembly,
            [CSharpSyntaxTree.ParseText($"namespace Defender365.Toolkit.Authorization {{ {accessibility} sealed class RequiresDefenderPermissionAttribute : System.Attribute {{ }} }}")],
            [MetadataReference.CreateFromFile(typeof(object).Assembly.Location)],
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary))
        .ToMetadataReference();

    private static CSharpCompilation App(string source, params MetadataReference[] references) => CSharpCompilation.Create(
        "App",
        [CSharpSyntaxTree.ParseText(source)],
        references.Append(MetadataReference.CreateFromFile(typeof(object).Assembly.Location)),
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));

    [Fact]
    public void An_internal_copy_in_another_library_does_not_hide_the_real_type()
    {
        var compilation = App("class C { }", Library("Defender365.Toolkit", "public"), Library("SomePolyfills", "internal"));

#pragma warning disable RS0030 // The banned call, to show what it misses.
        Assert.Null(compilation.GetTypeByMetadataName(Name));
#pragma warning restore RS0030
        Assert.Equal("Defender365.Toolkit", compilation.GetBestType(Name)?.ContainingAssembly.Name);
    }

    [Fact]
    public void The_project_s_own_type_wins_and_two_visible_ones_are_ambiguous()
    {
        var own = App("namespace Defender365.Toolkit.Authorization { public sealed class RequiresDefenderPermissionAttribute : System.Attribute { } }", Library("Defender365.Toolkit", "public"));
        Assert.Equal("App", own.GetBestType(Name)?.ContainingAssembly.Name);

        Assert.Null(App("class C { }", Library("A", "public"), Library("B", "public")).GetBestType(Name));
        Assert.Null(App("class C { }").GetBestType(Name));
    }
}
