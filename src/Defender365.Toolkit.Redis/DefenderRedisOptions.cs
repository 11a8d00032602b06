using Defender365.Toolkit.Authentication.SharedCache;

namespace Defender365.Toolkit.Redis;

/// <summary>Settings of <c>AddDefenderRedis</c>, usually the <c>Defender:Redis</c> configuration section.</summary>
public sealed class DefenderRedisOptions
{
    /// <summary>The StackExchange.Redis configuration string, for example <c>redis.internal:6379,ssl=true,password=…</c>. Required.</summary>
    public string? Configuration { get; set; }

    /// <summary>
    /// The key the shared tokens are encrypted with: 32 random bytes in Base64, the same for every instance of the app.
    /// Keep it with the app's secrets (a vault, not the code). Required.
    /// </summary>
    public string? EncryptionKey { get; set; }

    /// <summary>
    /// Count the tenants' calls against their quotas in Redis, for every instance together. Default: on. Off, each
    /// instance counts its own (the waits and pauses are the <c>Defender:Quotas</c> settings either way).
    /// </summary>
    public bool ShareQuotas { get; set; } = true;

    /// <summary>Timeouts and lease timing of the shared token cache.</summary>
    public DefenderSharedTokenCacheOptions SharedTokenCache { get; } = new();

    /// <summary>The encryption key's bytes; throws with the setting's name (never its value) when it is missing or not 32 bytes of Base64.</summary>
    internal byte[] DecodeEncryptionKey()
    {
        if (string.IsNullOrWhiteSpace(Configuration))
        {
            throw new InvalidOperationException($"Defender Redis: '{nameof(Configuration)}' (the Redis connection string) is required.");
        }

        var text = EncryptionKey?.Trim();
        var bytes = new byte[32];
        if (string.IsNullOrEmpty(text) || !Convert.TryFromBase64String(text, bytes, out var written) || written != 32)
        {
            throw new InvalidOperationException($"Defender Redis: '{nameof(EncryptionKey)}' must be 32 random bytes in Base64 (for example from 'openssl rand -base64 32'), the same in every instance.");
        }

        return bytes;
    }
}
