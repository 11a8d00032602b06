using System.Diagnostics;
using System.Reflection;
using Defender365.Toolkit.Tests.Infrastructure;

namespace Defender365.Toolkit.Tests.Samples;

/// <summary>The README's first command: the sample runs against its embedded emulator and tells the story it promises.</summary>
public sealed class MultiTenantSocSampleTests
{
    [Fact]
    public async Task Sample_serves_two_tenants_and_reports_the_third_missing_consent_with_its_link()
    {
        var (exitCode, text, errors) = await RunSampleAsync(redis: null);

        Assert.True(exitCode == 0, text + errors);
        Assert.Contains("2 of 3 tenants fully served.", text, StringComparison.Ordinal);
        Assert.Contains("consent: MISSING ThreatHunting.Read.All", text, StringComparison.Ordinal);
        Assert.Contains("/9c8b7a65-4d3e-4f21-8a0b-c1d2e3f4a5b6/v2.0/adminconsent?client_id=", text, StringComparison.Ordinal);
        Assert.Contains("hunting: 3 rows", text, StringComparison.Ordinal);
        Assert.DoesNotContain("second instance", text, StringComparison.Ordinal);
    }

    [RedisFact]
    public async Task With_Redis_configured_a_second_instance_takes_every_token_from_it()
    {
        await using var redis = await RedisServer.StartAsync();
        var (exitCode, text, errors) = await RunSampleAsync(redis.Configuration);

        Assert.True(exitCode == 0, text + errors);
        Assert.Contains($"Tokens shared through Redis at {redis.Configuration}.", text, StringComparison.Ordinal);
        Assert.Contains("2 of 3 tenants fully served.", text, StringComparison.Ordinal);
        Assert.Contains("A second instance got the 3 tenants' Graph tokens with 0 more token requests.", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_its_Redis_unreachable_the_sample_is_served_and_never_prints_the_Redis_password()
    {
        const string Password = "not-for-the-console-7f3a";
        var (exitCode, text, errors) = await RunSampleAsync($"127.0.0.1:1,password={Password}");

        Assert.True(exitCode == 0, text + errors);
        Assert.Contains("Tokens shared through Redis at 127.0.0.1:1.", text, StringComparison.Ordinal);
        Assert.Contains("2 of 3 tenants fully served.", text, StringComparison.Ordinal);
        // Redis never answered: the second instance asked the token service for each tenant itself.
        Assert.Contains("A second instance got the 3 tenants' Graph tokens with 3 more token requests.", text, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, text + errors, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Text, string Errors)> RunSampleAsync(string? redis)
    {
        var sample = typeof(MultiTenantSocSampleTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "SampleAssemblyPath").Value!;
        Assert.True(File.Exists(sample), $"The sample was not built at {sample}.");

        var start = new ProcessStartInfo("dotnet", [sample]) { RedirectStandardOutput = true, RedirectStandardError = true };
        // Real credentials in the environment would point the sample at real tenants; the test wants the emulator.
        start.Environment.Remove("Defender__ClientId");
        start.Environment.Remove("Defender__ClientSecret");
        start.Environment.Remove("DEFENDER365_TENANTS");
        start.Environment.Remove("Defender__Redis__EncryptionKey");
        if (redis is null)
        {
            start.Environment.Remove("Defender__Redis__Configuration");
        }
        else
        {
            start.Environment["Defender__Redis__Configuration"] = redis;
        }

        return await TestProcess.RunAsync(start, TimeSpan.FromMinutes(2));
    }
}
