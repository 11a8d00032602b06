using System.Security.Cryptography;
using Defender365.Toolkit.Authentication.SharedCache;
using Defender365.Toolkit.Redis;
using StackExchange.Redis;

namespace MultiTenantSoc;

/// <summary>
/// The token cache a scaled-out connector's instances share through Redis, set with the configuration keys
/// <c>AddDefenderRedis</c> reads: <c>Defender__Redis__Configuration</c> (the connection string) and
/// <c>Defender__Redis__EncryptionKey</c> (32 random bytes in Base64, the same for every instance).
/// </summary>
internal sealed class SharedTokens(string configuration, byte[] key)
{
    public string Configuration { get; } = configuration;

    /// <summary>Where Redis is, for the console: the endpoints only, never the password the configuration may hold.</summary>
    public string Endpoints => string.Join(", ", ConfigurationOptions.Parse(Configuration).EndPoints.Select(e => e.ToString()));

    /// <summary>The settings from the environment, or null when no Redis is configured.</summary>
    /// <param name="demo">On the embedded emulator, a key is made for the run when none is set (its tokens are the run's only).</param>
    public static SharedTokens? FromEnvironment(bool demo)
    {
        var configuration = Environment.GetEnvironmentVariable("Defender__Redis__Configuration");
        if (string.IsNullOrWhiteSpace(configuration))
        {
            return null;
        }

        var text = Environment.GetEnvironmentVariable("Defender__Redis__EncryptionKey");
        var key = new byte[32];
        if (text is not null && Convert.TryFromBase64String(text, key, out var written) && written == 32)
        {
            return new SharedTokens(configuration, key);
        }

        return demo
            ? new SharedTokens(configuration, RandomNumberGenerator.GetBytes(32))
            : throw new InvalidOperationException("Set Defender__Redis__EncryptionKey to 32 random bytes in Base64 (openssl rand -base64 32), the same for every instance.");
    }

    /// <summary>The shared cache of one instance: its own connection, the common key.</summary>
    public DefenderSharedTokenCache CreateCache()
    {
        var connection = new Lazy<Task<IConnectionMultiplexer>>(() => DefenderRedis.ConnectAsync(Configuration));
        return DefenderRedis.CreateSharedTokenCache(() => connection.Value, key);
    }
}
