using Defender365.Toolkit.Analyzers.Rules;
using Defender365.Toolkit.Analyzers.Tests.Infrastructure;
using Defender365.Toolkit.CodeFixes;

namespace Defender365.Toolkit.Analyzers.Tests.CodeFixes;

/// <summary>
/// The DEF3001 and DEF3003 fix replaces the secret with a read of its configuration key (Defender:ClientSecret for a client secret)
/// that fails loudly: through an IConfiguration in scope, else the key's environment variable; the code still compiles.
/// </summary>
public sealed class ReadSecretFromEnvironmentCodeFixTests
{
    private static Task VerifyAsync(string source, string fixedSource, int iterations = 1)
    {
        var test = RuleTest.Fix<HardcodedSecretAnalyzer, ReadSecretFromEnvironmentCodeFixProvider>(source, fixedSource);
        test.NumberOfFixAllIterations = iterations;
        test.CodeActionEquivalenceKey = nameof(ReadSecretFromEnvironmentCodeFixProvider);
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
            NetworkCredential Create() => new NetworkCredential("svc", System.Environment.GetEnvironmentVariable("Password") ?? throw new System.InvalidOperationException("Set the Password environment variable (the configuration key Password)."));
        }
        """);

    [Fact]
    public Task Tuple_element_becomes_a_lookup_named_after_its_variable() => VerifyAsync("""
        class C
        {
            void Run()
            {
                var (user, password) = ("admin", {|DEF3003:"Tr0ub4dor-3"|});
            }
        }
        """, """
        class C
        {
            void Run()
            {
                var (user, password) = ("admin", System.Environment.GetEnvironmentVariable("Password") ?? throw new System.InvalidOperationException("Set the Password environment variable (the configuration key Password)."));
            }
        }
        """);

    [Fact]
    public Task Constant_field_becomes_static_readonly() => VerifyAsync("""
        class C
        {
            private const string ClientSecret = {|DEF3003:"abc123def456"|};
        }
        """, """
        class C
        {
            private static readonly string ClientSecret = System.Environment.GetEnvironmentVariable("Defender__ClientSecret") ?? throw new System.InvalidOperationException("Set the Defender__ClientSecret environment variable (the configuration key Defender:ClientSecret).");
        }
        """);

    [Fact]
    public Task Constant_local_and_comparison_keep_compiling() => VerifyAsync("""
        using System;
        class C
        {
            bool Run(string password)
            {
                const string apiKey = {|DEF3003:"k3y-0f-th3-api"|};
                return password == {|DEF3003:"Adm1n!2024"|} && apiKey.Length > 0;
            }
        }
        """, """
        using System;
        class C
        {
            bool Run(string password)
            {
                string apiKey = Environment.GetEnvironmentVariable("ApiKey") ?? throw new InvalidOperationException("Set the ApiKey environment variable (the configuration key ApiKey).");
                return password == (Environment.GetEnvironmentVariable("Password") ?? throw new InvalidOperationException("Set the Password environment variable (the configuration key Password).")) && apiKey.Length > 0;
            }
        }
        """, iterations: 1);

    [Fact]
    public Task Known_format_and_utf8_literal() => VerifyAsync($$"""
        using System;
        class C
        {
            string connection = {|DEF3001:"Server=db;User Id=sa;Password=Tr0ub4dor&3;"|};
            ReadOnlySpan<byte> clientSecret => {|DEF3003:"s3cr3t-u7f8-bytes"u8|};
        }
        """, """
        using System;
        class C
        {
            string connection = Environment.GetEnvironmentVariable("Connection") ?? throw new InvalidOperationException("Set the Connection environment variable (the configuration key Connection).");
            ReadOnlySpan<byte> clientSecret => System.Text.Encoding.UTF8.GetBytes(Environment.GetEnvironmentVariable("Defender__ClientSecret") ?? throw new InvalidOperationException("Set the Defender__ClientSecret environment variable (the configuration key Defender:ClientSecret)."));
        }
        """);

    [Fact]
    public Task Fix_all_replaces_every_secret_in_the_document() => VerifyAsync("""
        using System;
        using System.Collections.Generic;
        class C
        {
            string ClientSecret { get; } = {|DEF3003:"abc123def456"|};
            Dictionary<string, string> Form() => new() { ["client_secret"] = {|DEF3003:"f0rm-s3cret"|} };
        }
        """, """
        using System;
        using System.Collections.Generic;
        class C
        {
            string ClientSecret { get; } = Environment.GetEnvironmentVariable("Defender__ClientSecret") ?? throw new InvalidOperationException("Set the Defender__ClientSecret environment variable (the configuration key Defender:ClientSecret).");
            Dictionary<string, string> Form() => new() { ["client_secret"] = Environment.GetEnvironmentVariable("Defender__ClientSecret") ?? throw new InvalidOperationException("Set the Defender__ClientSecret environment variable (the configuration key Defender:ClientSecret).") };
        }
        """);

    // The abstraction's shape, so the test needs no package: the fix finds it by its metadata name.
    private const string ConfigurationInterface = """
        namespace Microsoft.Extensions.Configuration
        {
            public interface IConfiguration { string? this[string key] { get; set; } }
            public interface IConfigurationRoot : IConfiguration { }
        }
        """;

    [Fact]
    public Task An_IConfiguration_in_scope_is_read_by_the_secrets_key() => VerifyAsync("""
        #nullable enable
        using Microsoft.Extensions.Configuration;
        class C
        {
            private readonly IConfigurationRoot _settings = null!;
            string ClientSecret(IConfiguration configuration) => {|DEF3003:"abc123def456~xyz"|};
            string Field() { string clientSecret = {|DEF3003:"abc123def456"|}; return clientSecret; }
        }
        """ + ConfigurationInterface, """
        #nullable enable
        using Microsoft.Extensions.Configuration;
        class C
        {
            private readonly IConfigurationRoot _settings = null!;
            string ClientSecret(IConfiguration configuration) => configuration["Defender:ClientSecret"] ?? throw new System.InvalidOperationException("Set Defender:ClientSecret: user-secrets in development, the Defender__ClientSecret environment variable or a key vault in production.");
            string Field() { string clientSecret = _settings["Defender:ClientSecret"] ?? throw new System.InvalidOperationException("Set Defender:ClientSecret: user-secrets in development, the Defender__ClientSecret environment variable or a key vault in production."); return clientSecret; }
        }
        """ + ConfigurationInterface);

    [Fact]
    public Task A_field_initializer_cannot_use_an_instance_configuration_and_reads_the_environment() => VerifyAsync("""
        #nullable enable
        using Microsoft.Extensions.Configuration;
        class C
        {
            private readonly IConfiguration _configuration = null!;
            private readonly string _clientSecret = {|DEF3003:"abc123def456"|};
        }
        """ + ConfigurationInterface, """
        #nullable enable
        using Microsoft.Extensions.Configuration;
        class C
        {
            private readonly IConfiguration _configuration = null!;
            private readonly string _clientSecret = System.Environment.GetEnvironmentVariable("Defender__ClientSecret") ?? throw new System.InvalidOperationException("Set the Defender__ClientSecret environment variable (the configuration key Defender:ClientSecret).");
        }
        """ + ConfigurationInterface);

    [Fact]
    public Task A_configuration_key_with_a_section_of_its_own_keeps_it() => VerifyAsync("""
        using System.Collections.Generic;
        class C
        {
            Dictionary<string, string> Settings() => new() { ["Smtp:ClientSecret"] = {|DEF3003:"m41l-s3cret-v4lue"|} };
        }
        """, """
        using System.Collections.Generic;
        class C
        {
            Dictionary<string, string> Settings() => new() { ["Smtp:ClientSecret"] = System.Environment.GetEnvironmentVariable("Smtp__ClientSecret") ?? throw new System.InvalidOperationException("Set the Smtp__ClientSecret environment variable (the configuration key Smtp:ClientSecret).") };
        }
        """);

    [Fact]
    public async Task Constant_contexts_get_no_fix()
    {
        const string source = """
            class C
            {
                static void Connect(string password = {|DEF3003:"d3fault-pw-1"|}) { }
            }
            """;
        await RuleTest.Fix<HardcodedSecretAnalyzer, ReadSecretFromEnvironmentCodeFixProvider>(source, source).RunAsync();
    }
}
