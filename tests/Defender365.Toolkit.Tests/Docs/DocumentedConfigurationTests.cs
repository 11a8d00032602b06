using System.Text;
using System.Text.RegularExpressions;
using Defender365.Toolkit.DependencyInjection;
using Defender365.Toolkit.Documentation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Defender365.Toolkit.Tests.Docs;

/// <summary>
/// The configuration docs/hosting.md shows is what <c>AddDefenderClient</c> reads: its <c>appsettings.json</c> binds and
/// validates (with the secret from the environment variable the docs name), its list of start-up errors is what a bad
/// configuration really says, and every key the docs' shell lines set (<c>dotnet user-secrets set …</c>,
/// <c>export Defender__…</c>) reaches a setting.
/// </summary>
public sealed partial class DocumentedConfigurationTests
{
    private static IReadOnlyList<DocumentationBlock> Blocks => DocumentationBlocks.CheckedBy(nameof(DocumentedConfigurationTests));

    [Fact]
    public void The_documented_appsettings_bind_and_validate_with_the_secret_from_the_environment()
    {
        var appsettings = Blocks.Single(b => b.Language == "json");
        // The variable the docs name, behind a prefix of this test's own so no other test or machine setting interferes.
        const string Prefix = "DEFENDER365_DOCS_TEST_";
        Environment.SetEnvironmentVariable(Prefix + "Defender__ClientSecret", "a-made-up-secret");
        try
        {
            var configuration = new ConfigurationBuilder()
                .AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(appsettings.Body)))
                .AddEnvironmentVariables(Prefix)
                .Build();
            using var services = new ServiceCollection().AddDefenderClient(configuration.GetSection("Defender")).BuildServiceProvider();

            var options = services.GetRequiredService<IOptions<DefenderOptions>>().Value;

            Assert.Equal("5f0e3a43-9b5c-4f2a-9f60-3c1f2b8f6d01", options.ClientId);
            Assert.Equal(["contoso.onmicrosoft.com", "2b9d4e6f-3a5c-4b7d-9e1f-2a4c6e8b0d13"], options.AllowedTenants);
            Assert.Equal("Commercial", options.Cloud);
            Assert.Equal("a-made-up-secret", options.ClientSecret);
        }
        finally
        {
            Environment.SetEnvironmentVariable(Prefix + "Defender__ClientSecret", null);
        }
    }

    [Fact]
    public void The_documented_start_up_errors_are_the_real_messages()
    {
        var documented = Blocks.Single(b => b.Language == "text").Lines.Where(l => l.Length > 0).ToArray();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Defender:ClientSecret"] = "a-made-up-secret",
            ["Defender:CertificatePath"] = "app.pfx",
            ["Defender:Cloud"] = "China",
        }).Build();
        using var services = new ServiceCollection().AddDefenderClient(configuration.GetSection("Defender")).BuildServiceProvider();

        var failure = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<DefenderOptions>>().Value);

        Assert.Equal(4, documented.Length);
        Assert.All(documented, line => Assert.Contains(line, failure.Failures));
    }

    [Fact]
    public void Every_key_the_docs_set_from_a_shell_reaches_a_setting()
    {
        var settings = DocumentationBlocks.Read().Where(b => b.Language == "sh").SelectMany(b => b.Lines)
            .Select(line => ConfigurationKey().Match(line))
            .Where(m => m.Success)
            .Select(m => (Key: m.Groups["key"].Value.Replace("__", ":", StringComparison.Ordinal), Value: m.Groups["value"].Value))
            .Distinct()
            .ToArray();
        Assert.Contains(settings, s => s.Key.StartsWith("Defender:Endpoints:", StringComparison.Ordinal));

        foreach (var (key, value) in settings)
        {
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();
            var options = new DefenderOptions();
            configuration.GetSection("Defender").Bind(options);

            string?[] read = [options.ClientId, options.ClientSecret, options.CertificatePath, options.CertificatePassword, options.AuthorityHost?.OriginalString, .. options.Endpoints.Values.Select(u => u.OriginalString)];
            Assert.True(read.Contains(value), $"The docs set '{key}' to '{value}', which no Defender setting reads.");
        }
    }

    // dotnet user-secrets set Defender:ClientSecret "…" (quoted or not), export Defender__ClientSecret=…
    [GeneratedRegex(@"^(?:dotnet user-secrets set ""?(?<key>Defender:\w+)""? (?:""(?<value>[^""]+)""|(?<value>\S+))|export (?<key>Defender__\w+)=(?<value>\S+))")]
    private static partial Regex ConfigurationKey();
}
