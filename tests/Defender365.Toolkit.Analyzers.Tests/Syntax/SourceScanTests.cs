using Defender365.Toolkit.Analyzers.Syntax;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Defender365.Toolkit.Analyzers.Tests.Syntax;

/// <summary>The text search the rules use to find their tokens: every string once, nothing from comments or other strings.</summary>
public sealed class SourceScanTests
{
    private static (SyntaxNode Root, string Text) Parse(string source)
    {
        var tree = CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Preview));
        return (tree.GetRoot(), tree.GetText().ToString());
    }

    [Fact]
    public void Every_string_is_found_once_and_quotes_elsewhere_are_passed_over()
    {
        const string Source = """"
            // a "quoted" word in a comment
            /* and "another" */
            #pragma checksum "file.cs" "{ff1816ec-aa5e-4d10-87f7-6f4963833460}" "ab"
            class C
            {
                char q = '"';
                string a = "one \" two";
                string b = @"three "" four";
                string c = $"five {Name("six")} \" seven";
                string d = $@"eight {"nine"}";
                string e = """raw "ten" raw""";
                string f = $"""{"eleven"} "x" """;
                byte[] g = "twelve"u8;
                static string Name(string s) => s; /// <see cref="C"/>
            }
            """";
        var (root, text) = Parse(Source);

        var found = SourceScan.StringTokens(root, text).Select(t => (t.Kind(), t.Kind() is SyntaxKind.InterpolatedStringStartToken or SyntaxKind.InterpolatedVerbatimStringStartToken or SyntaxKind.InterpolatedSingleLineRawStringStartToken ? "" : t.ValueText)).ToArray();

        Assert.Equal(
            [
                (SyntaxKind.StringLiteralToken, "one \" two"),
                (SyntaxKind.StringLiteralToken, "three \" four"),
                (SyntaxKind.InterpolatedStringStartToken, ""),
                (SyntaxKind.StringLiteralToken, "six"),
                (SyntaxKind.InterpolatedVerbatimStringStartToken, ""),
                (SyntaxKind.StringLiteralToken, "nine"),
                (SyntaxKind.SingleLineRawStringLiteralToken, "raw \"ten\" raw"),
                (SyntaxKind.InterpolatedSingleLineRawStringStartToken, ""),
                (SyntaxKind.StringLiteralToken, "eleven"),
                (SyntaxKind.Utf8StringLiteralToken, "twelve"),
            ],
            found);
    }

    [Fact]
    public void A_file_without_quotes_yields_nothing()
    {
        var (root, text) = Parse("class C { int X => 1; }");

        Assert.Empty(SourceScan.StringTokens(root, text));
    }

    [Fact]
    public void Identifiers_holding_several_words_are_returned_once_and_strings_and_comments_are_not_identifiers()
    {
        var (root, text) = Parse("""
            // ClientSecret in a comment
            class C
            {
                string s = "ClientSecret";
                object M(string password) => new ClientSecretCredential(password);
            }
            """);

        var found = SourceScan.IdentifiersContaining(root, text, ["secret", "credential", "password"], StringComparison.OrdinalIgnoreCase)
            .Select(t => (t.ValueText, t.SpanStart)).OrderBy(t => t.SpanStart).Select(t => t.ValueText).ToArray();

        Assert.Equal(["password", "ClientSecretCredential", "password"], found);
    }

    [Fact]
    public void Calls_are_found_by_a_word_in_their_name_once_each_and_other_uses_of_the_word_are_not_calls()
    {
        var (root, text) = Parse("""
            class C
            {
                void M(System.Threading.CancellationToken cancellationToken, dynamic x, dynamic a)
                {
                    x.WithClientSecret(a);
                    var c = new ClientSecretCredential (a, cancellationToken);
                    Create<Token>(a);
                    GetToken<string, int>
                        (a);
                    x.SecretName = "WithClientSecret(";
                    // x.WithClientSecret(a);
                }
            }
            """);

        var found = SourceScan.CallsNamedWith(root, text, ["secret", "token", "credential"], StringComparison.OrdinalIgnoreCase)
            .OrderBy(c => c.Name.SpanStart).Select(c => $"{c.Name.ValueText}{c.Arguments}").ToArray();

        Assert.Equal(["WithClientSecret(a)", "ClientSecretCredential(a, cancellationToken)", "GetToken(a)"], found);
    }

    [Theory]
    [InlineData("x.WithClientSecret(a)", true)]
    [InlineData("WithClientSecret(a)", true)]
    [InlineData("new WithClientSecret(a)", true)]
    [InlineData("new Azure.Identity.WithClientSecret(a)", true)]
    [InlineData("x.WithClientSecret", false)]
    [InlineData("WithClientSecret.Other(a)", false)]
    [InlineData("nameof(WithClientSecret)", false)]
    public void The_call_an_identifier_names(string expression, bool isCall)
    {
        var (root, text) = Parse($"class C {{ object M(object x, object a) => {expression}; }}");
        var name = root.FindToken(text.IndexOf("WithClientSecret", StringComparison.Ordinal));

        var arguments = SourceScan.CallNamedBy(name);

        Assert.Equal(isCall, arguments is not null);
        if (arguments is not null)
        {
            Assert.Equal("a", Assert.Single(arguments.Arguments).ToString());
        }
    }
}
