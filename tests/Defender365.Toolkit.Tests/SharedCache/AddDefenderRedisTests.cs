using Defender365.Toolkit.Authentication;
using Defender365.Toolkit.Catalog;
using Defender365.Toolkit.Emulator;
using Defender365.Toolkit.Http;
using Defender365.Toolkit.Quotas;
using Defender365.Toolkit.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Defender365.Toolkit.Tests.SharedCache;

/// <summary><c>AddDefenderRedis</c> beside <c>AddDefenderClient</c>, as a hosted app registers it: settings read, credential wired.</summary>
public sealed class AddDefenderRedisTests(ScaleOutFixture fixture) : IClassFixture<ScaleOutFixture>
{
    [RedisFact]
    public async Task Apps_in_separate_service_providers_share_their_tokens_through_the_configured_Redis()
    {
        var tenant = fixture.Tenants(1)[0];
        var first = await TokenFromNewAppAsync(tenant);
        var second = await TokenFromNewAppAsync(tenant);

        Assert.Equal(first, second);
        Assert.Equal(1, fixture.Emulator.Statistics.TokenRequests(tenant));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not base64 at all")]
    [InlineData("c2hvcnQ=")]
    public void A_missing_or_malformed_encryption_key_stops_the_app_naming_the_setting_not_the_value(string? key)
    {
        using var provider = Services(new() { ["Defender:Redis:EncryptionKey"] = key }).BuildServiceProvider();
        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<DefenderAppCredential>());
        Assert.Contains("'EncryptionKey' must be 32 random bytes in Base64", error.Message, StringComparison.Ordinal);
        if (key is not null)
        {
            Assert.DoesNotContain(key, error.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("false", false)]
    public void The_clients_take_the_governor_AddDefenderRedis_registers_shared_unless_ShareQuotas_is_false(string? shareQuotas, bool shared)
    {
        using var provider = Services(new()
        {
            ["Defender:Redis:EncryptionKey"] = Convert.ToBase64String(fixture.EncryptionKey),
            ["Defender:Redis:ShareQuotas"] = shareQuotas,
        }).BuildServiceProvider();

        var governor = provider.GetRequiredService<DefenderQuotaLimiter>();
        Assert.Same(governor, provider.GetRequiredService<DefenderOperationInvoker>().Options.QuotaLimiter);
        Assert.Equal(shared, governor.IsShared);
    }

    [Fact]
    public void A_malformed_ShareQuotas_stops_the_app_naming_the_setting()
    {
        using var provider = Services(new()
        {
            ["Defender:Redis:EncryptionKey"] = Convert.ToBase64String(fixture.EncryptionKey),
            ["Defender:Redis:ShareQuotas"] = "yes please",
        }).BuildServiceProvider();

        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<DefenderQuotaLimiter>());
        Assert.Contains("'ShareQuotas' must be true or false", error.Message, StringComparison.Ordinal);
    }

    private async Task<string> TokenFromNewAppAsync(string tenant)
    {
        await using var provider = Services(new()
        {
            ["Defender:Redis:EncryptionKey"] = Convert.ToBase64String(fixture.EncryptionKey),
            // A busy test machine stalls more than a production one; this test is about the wiring.
            ["Defender:Redis:SharedTokenCache:OperationTimeout"] = "00:00:10",
        }).BuildServiceProvider();
        var credential = provider.GetRequiredService<DefenderAppCredential>();
        return (await credential.GetTokenAsync(tenant, DefenderResourceIds.ThreatProtection)).Token;
    }

    private ServiceCollection Services(Dictionary<string, string?> redis)
    {
        var settings = new Dictionary<string, string?>(fixture.Emulator.CreateConfiguration())
        {
            ["Defender:ClientId"] = EmulatorOptions.DemoClientId,
            ["Defender:ClientSecret"] = fixture.Secret,
            ["Defender:AllowedTenants:0"] = "*",
            ["Defender:Redis:Configuration"] = fixture.Redis?.Configuration ?? "127.0.0.1:1",
        };
        foreach (var (name, value) in redis)
        {
            settings[name] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddDefenderClient(configuration.GetSection("Defender"));
        services.AddDefenderRedis(configuration.GetSection("Defender:Redis"));
        services.TrustDefenderEmulator(fixture.Emulator.Certificate);
        return services;
    }
}
