using Defender365.Toolkit.Cli.Tests.Infrastructure;

namespace Defender365.Toolkit.Cli.Tests;

/// <summary>The tool's surface: help everywhere, usage errors with exit code 2.</summary>
public sealed class CommandLineTests
{
    [Fact]
    public async Task Help_lists_every_command()
    {
        var result = await Tool.RunAsync(["--help"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        foreach (var command in new[] { "consent-url", "token", "doctor", "emulator", "scan" })
        {
            Assert.Contains(command, result.Output, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("consent-url", "--client-id")]
    [InlineData("token", "--raw")]
    [InlineData("doctor", "--parallel")]
    [InlineData("emulator", "--tenants-out")]
    [InlineData("scan", "--sarif")]
    public async Task Every_command_has_help(string command, string option)
    {
        var result = await Tool.RunAsync([command, "--help"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(option, result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_option_is_a_usage_error()
    {
        var result = await Tool.RunAsync(["token", "--tenant", "contoso.com", "--no-such-option"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--no-such-option", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_required_option_is_a_usage_error()
    {
        var result = await Tool.RunAsync(["consent-url"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--client-id", result.Error, StringComparison.Ordinal);
    }
}
