using System.Collections.Immutable;
using Defender365.Toolkit.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Defender365.Toolkit.Analyzers.Tests.Rules;

/// <summary>
/// The per-file rules (DEF3001 and DEF3003, DEF4001, DEF4003) look only at the span the IDE asks for, as
/// <see cref="SemanticModelAnalysisContext.FilterSpan"/> says, and still find a string or call the span starts inside.
/// </summary>
public sealed class FilterSpanTests
{
    private const string Source = """
        using System;
        using System.Net.Http;
        class First
        {
            const string ClientSecret = "Zx81Q~abcdEFGHijklMNOPqrstUVWXyz0123456";
            HttpClientHandler Make() => new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true };
            void Log(string clientSecret) => Console.WriteLine(clientSecret);
        }
        class Second
        {
            const string ClientSecret = "Qy93W~zyxwVUTSrqpoNMLKjihgFEDCba9876543";
            HttpClientHandler Make() => new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true };
            void Log(string clientSecret) => Console.WriteLine(clientSecret);
        }
        """;

    private static readonly ImmutableArray<DiagnosticAnalyzer> Rules =
        [new HardcodedSecretAnalyzer(), new SecretWrittenToLogAnalyzer(), new TlsValidationDisabledAnalyzer()];

    private static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(TextSpan? span)
    {
        var tree = CSharpSyntaxTree.ParseText(Source, path: "/project/Program.cs");
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator).Select(p => MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create("App", [tree], references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var analyzers = compilation.WithAnalyzers(Rules);
        return await analyzers.GetAnalyzerSemanticDiagnosticsAsync(compilation.GetSemanticModel(tree), span, CancellationToken.None);
    }

    [Fact]
    public async Task Only_the_span_asked_for_is_analyzed()
    {
        var second = Source.IndexOf("class Second", StringComparison.Ordinal);
        var whole = await AnalyzeAsync(null);
        var onScreen = await AnalyzeAsync(TextSpan.FromBounds(second, Source.Length));

        Assert.Equal(["DEF3003", "DEF3003", "DEF4001", "DEF4001", "DEF4003", "DEF4003"], whole.Select(d => d.Id).Order());
        Assert.Equal(["DEF3003", "DEF4001", "DEF4003"], onScreen.Select(d => d.Id).Order());
        Assert.All(onScreen, d => Assert.True(d.Location.SourceSpan.Start >= second, d.ToString()));
    }

    [Fact]
    public async Task A_string_the_span_starts_inside_is_still_judged()
    {
        var inside = Source.IndexOf("Qy93W", StringComparison.Ordinal) + 10;
        var diagnostics = await AnalyzeAsync(new TextSpan(inside, 5));

        Assert.Equal("DEF3003", Assert.Single(diagnostics).Id);
    }
}
