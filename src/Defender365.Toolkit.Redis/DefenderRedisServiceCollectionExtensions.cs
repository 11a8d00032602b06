using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Defender365.Toolkit.Redis;
using StackExchange.Redis;

// The namespace of AddDefenderClient's own extensions, so one using brings both.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the toolkit's Redis parts for every instance of a scaled-out app.</summary>
public static class DefenderRedisServiceCollectionExtensions
{
    /// <summary>
    /// Shares the Defender credential's tokens between the app's instances through Redis: settings from
    /// <paramref name="section"/> (<c>Configuration</c>, <c>EncryptionKey</c>, and optionally <c>SharedTokenCache:…</c>
    /// timings; usually <c>Defender:Redis</c>). Call it beside <c>AddDefenderClient</c>; the credential picks the shared
    /// cache up.
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
            section.GetSection(nameof(DefenderRedisOptions.SharedTokenCache)).Bind(options.SharedTokenCache);
        });
    }

    /// <summary>Shares the Defender credential's tokens between the app's instances through Redis, with settings from code.</summary>
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
            // Connected once, lazily: the app starts while Redis is down and the credential goes on without it.
            var connection = new Lazy<Task<IConnectionMultiplexer>>(() => DefenderRedis.ConnectAsync(options.Configuration!));
            return DefenderRedis.CreateSharedTokenCache(() => connection.Value, key, options.SharedTokenCache, provider.GetService<ILoggerFactory>(), provider.GetService<TimeProvider>());
        });
        return services;
    }
}
