using Defender365.Toolkit.Analyzers.Rules;
using Defender365.Toolkit.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;

namespace Defender365.Toolkit.Analyzers.Tests.CodeFixes;

/// <summary>The DEF3001 fix replaces the secret with an environment lookup that fails loudly, and the code still compiles.</summary>
public sealed class ReadSecretFromEnvironmentCodeFixTests
{
    private static Task VerifyAsync(string source, string fixedSource, int iterations = 1)
    {
        var test = new CSharpCodeFixTest<HardcodedSecretAnalyzer, ReadSecretFromEnvironmentCodeFixProvider, DefaultVerifier>
        {
            ReferenceAssemblies = ReferenceAssemblies.Net.Net80,
            TestCode = source,
            FixedCode = fixedSource,
            NumberOfFixAllIterations = iterations,
            CodeActionEquivalenceKey = nameof(ReadSecretFromEnvironmentCodeFixProvider),
        };
        return test.RunAsync();
    }

    [Fact]
    public Task Argument_becomes_an_environment_lookup_named_after_the_parameter_fully_qualified_without_a_using() => VerifyAsync("""
        using System.Net;
        class C
        {
            NetworkCredential Create() => new NetworkCredential("svc", {|DEF3001:"hunter2hunter2"|});
        }
        """, """
        using System.Net;
        class C
        {
            NetworkCredential Create() => new NetworkCredential("svc", System.Environment.GetEnvironmentVariable("PASSWORD") ?? throw new System.InvalidOperationException("Set the PASSWORD environment variable."));
        }
        """);

    [Fact]
    public Task Tuple_element_becomes_a_lookup_named_after_its_variable() => VerifyAsync("""
        class C
        {
            void Run()
            {
                var (user, password) = ("admin", {|DEF3001:"Tr0ub4dor-3"|});
            }
        }
        """, """
        class C
        {
            void Run()
            {
                var (user, password) = ("admin", System.Environment.GetEnvironmentVariable("PASSWORD") ?? throw new System.InvalidOperationException("Set the PASSWORD environment variable."));
            }
        }
        """);

    [Fact]
    public Task Constant_field_becomes_static_readonly() => VerifyAsync("""
        class C
        {
            private const string ClientSecret = {|DEF3001:"abc123def456"|};
        }
        """, """
        class C
        {
            private static readonly string ClientSecret = System.Environment.GetEnvironmentVariable("CLIENT_SECRET") ?? throw new System.InvalidOperationException("Set the CLIENT_SECRET environment variable.");
        }
        """);

    [Fact]
    public Task Constant_local_and_comparison_keep_compiling() => VerifyAsync("""
        using System;
        class C
        {
            bool Run(string password)
            {
                const string apiKey = {|DEF3001:"k3y-0f-th3-api"|};
                return password == {|DEF3001:"Adm1n!2024"|} && apiKey.Length > 0;
            }
        }
        """, """
        using System;
        class C
        {
            bool Run(string password)
            {
                string apiKey = Environment.GetEnvironmentVariable("API_KEY") ?? throw new InvalidOperationException("Set the API_KEY environment variable.");
                return password == (Environment.GetEnvironmentVariable("PASSWORD") ?? throw new InvalidOperationException("Set the PASSWORD environment variable.")) && apiKey.Length > 0;
            }
        }
        """, iterations: 1);

    [Fact]
    public Task Known_format_and_utf8_literal() => VerifyAsync($$"""
        using System;
        class C
        {
            string connection = {|DEF3001:"Server=db;User Id=sa;Password=Tr0ub4dor&3;"|};
            ReadOnlySpan<byte> clientSecret => {|DEF3001:"s3cr3t-u7f8-bytes"u8|};
        }
        """, """
        using System;
        class C
        {
            string connection = Environment.GetEnvironmentVariable("CONNECTION") ?? throw new InvalidOperationException("Set the CONNECTION environment variable.");
            ReadOnlySpan<byte> clientSecret => System.Text.Encoding.UTF8.GetBytes(Environment.GetEnvironmentVariable("CLIENT_SECRET") ?? throw new InvalidOperationException("Set the CLIENT_SECRET environment variable."));
        }
        """);

    [Fact]
    public Task Fix_all_replaces_every_secret_in_the_document() => VerifyAsync("""
        using System;
        using System.Collections.Generic;
        class C
        {
            string ClientSecret { get; } = {|DEF3001:"abc123def456"|};
            Dictionary<string, string> Form() => new() { ["client_secret"] = {|DEF3001:"f0rm-s3cret"|} };
        }
        """, """
        using System;
        using System.Collections.Generic;
        class C
        {
            string ClientSecret { get; } = Environment.GetEnvironmentVariable("CLIENT_SECRET") ?? throw new InvalidOperationException("Set the CLIENT_SECRET environment variable.");
            Dictionary<string, string> Form() => new() { ["client_secret"] = Environment.GetEnvironmentVariable("CLIENT_SECRET") ?? throw new InvalidOperationException("Set the CLIENT_SECRET environment variable.") };
        }
        """);

    [Fact]
    public async Task Constant_contexts_get_no_fix()
    {
        const string source = """
            class C
            {
                static void Connect(string password = {|DEF3001:"default-pw-1"|}) { }
            }
            """;
        var test = new CSharpCodeFixTest<HardcodedSecretAnalyzer, ReadSecretFromEnvironmentCodeFixProvider, DefaultVerifier>
        {
            ReferenceAssemblies = ReferenceAssemblies.Net.Net80,
            TestCode = source,
            FixedCode = source,
        };
        await test.RunAsync();
    }
}
