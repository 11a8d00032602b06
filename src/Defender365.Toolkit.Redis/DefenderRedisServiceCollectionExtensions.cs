using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Defender365.Toolkit.DependencyInjection;
using Defender365.Toolkit.Quotas;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Defender365.Toolkit.Redis;
using Defender365.Toolkit.Sync;
using StackExchange.Redis;

// The namespace of AddDefenderClient's own extensions, so one using brings both.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the toolkit's Redis parts for every instance of a scaled-out app.</summary>
public static class DefenderRedisServiceCollectionExtensions
{
    /// <summary>
    /// Shares the Defender credential's tokens, the tenants' quotas and the sync cursors (<c>IDefenderSyncStore</c>)
    /// between the app's instances through Redis:
    /// settings from <paramref name="section"/> (<c>Configuration</c>, <c>EncryptionKey</c>, and optionally
    /// <c>ShareQuotas</c> and <c>SharedTokenCache:…</c> timings; usually <c>Defender:Redis</c>). Call it beside
    /// <c>AddDefenderClient</c>; the credential picks the shared cache up, the clients the shared quota governor.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="section">The configuration section.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddDefenderRedis(this IServiceCollection services, IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        return services.AddDefenderRedis(options =>
        {
            options.Configuration = section["Configuration"];
            options.EncryptionKey = section["EncryptionKey"];
            if (section[nameof(DefenderRedisOptions.ShareQuotas)] is { } shareQuotas)
            {
                // A typo must not silently leave sharing on (or off): say which setting, as for the key.
                options.ShareQuotas = bool.TryParse(shareQuotas, out var share) ? share
                    : throw new InvalidOperationException($"Defender Redis: '{nameof(DefenderRedisOptions.ShareQuotas)}' must be true or false.");
            }

            section.GetSection(nameof(DefenderRedisOptions.SharedTokenCache)).Bind(options.SharedTokenCache);
        });
    }

    /// <summary>Shares the Defender credential's tokens and the tenants' quotas between the app's instances through Redis, with settings from code.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the Redis connection string and the encryption key (from the app's secrets).</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddDefenderRedis(this IServiceCollection services, Action<DefenderRedisOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.TryAddSingleton(provider =>
        {
            var options = new DefenderRedisOptions();
            configure(options);
            var key = options.DecodeEncryptionKey();
            return new RedisParts(options, key);
        });
        services.TryAddSingleton(provider =>
        {
            var parts = provider.GetRequiredService<RedisParts>();
            return DefenderRedis.CreateSharedTokenCache(parts.Connect, parts.EncryptionKey, parts.Options.SharedTokenCache, provider.GetService<ILoggerFactory>(), provider.GetService<TimeProvider>());
        });
        services.TryAddSingleton(provider =>
        {
            var parts = provider.GetRequiredService<RedisParts>();
            // The waits come from the Defender section (Defender:Quotas), as for a governor of one process.
            var settings = provider.GetService<IOptions<DefenderOptions>>()?.Value.Quotas;
            return parts.Options.ShareQuotas
                ? DefenderRedis.CreateQuotaLimiter(parts.Connect, settings, provider.GetService<ILoggerFactory>(), provider.GetService<TimeProvider>())
                : new DefenderQuotaLimiter(settings, sharedStore: null, provider.GetService<ILoggerFactory>(), provider.GetService<TimeProvider>());
        });

        // Sync cursors on the same connection: a tenant's collection is polled by one instance at a time.
        services.TryAddSingleton<IDefenderSyncStore>(provider => DefenderRedis.CreateSyncStore(provider.GetRequiredService<RedisParts>().Connect));
        return services;
    }

    // One connection for the token cache and the quotas, made once and lazily: the app starts while Redis is down, and
    // both go on without it.
    private sealed class RedisParts(DefenderRedisOptions options, byte[] encryptionKey)
    {
        private readonly Lazy<Task<IConnectionMultiplexer>> _connection = new(() => DefenderRedis.ConnectAsync(options.Configuration!));

        public DefenderRedisOptions Options => options;

        public byte[] EncryptionKey => encryptionKey;

        public Task<IConnectionMultiplexer> Connect() => _connection.Value;
    }
}
