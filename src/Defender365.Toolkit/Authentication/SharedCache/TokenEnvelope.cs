using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Azure.Core;

namespace Defender365.Toolkit.Authentication.SharedCache;

/// <summary>
/// A token as the shared cache stores it: AES-256-GCM over its expiry and value, bound to its cache key (as associated
/// data), so a copy of the cache yields no usable token without the key, and an entry moved under another tenant's key
/// does not decrypt.
/// </summary>
/// <remarks>Layout: version (1 byte) · nonce (12) · tag (16) · ciphertext of expiry ticks (8, little endian) and the token in UTF-8.</remarks>
internal sealed class TokenEnvelope : IDisposable
{
    private const byte Version = 1;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const int HeaderSize = 1 + NonceSize + TagSize;

    // AesGcm is not safe for concurrent use: one per operation (its key setup costs about a microsecond, and entries
    // are sealed and opened only when a process has no valid token).
    private readonly byte[] _key;

    public TokenEnvelope(ReadOnlySpan<byte> key)
    {
        if (key.Length != 32)
        {
            throw new ArgumentException($"The shared token cache's encryption key must be 32 bytes (AES-256); got {key.Length}. Generate one with RandomNumberGenerator.GetBytes(32) and keep it with the app's secrets.", nameof(key));
        }

        _key = key.ToArray();
    }

    public byte[] Seal(string cacheKey, AccessToken token)
    {
        var plain = new byte[8 + Encoding.UTF8.GetByteCount(token.Token)];
        BinaryPrimitives.WriteInt64LittleEndian(plain, token.ExpiresOn.UtcTicks);
        Encoding.UTF8.GetBytes(token.Token, plain.AsSpan(8));

        var sealedBytes = new byte[HeaderSize + plain.Length];
        sealedBytes[0] = Version;
        var nonce = sealedBytes.AsSpan(1, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(HeaderSize), sealedBytes.AsSpan(1 + NonceSize, TagSize), Encoding.UTF8.GetBytes(cacheKey));
        CryptographicOperations.ZeroMemory(plain);
        return sealedBytes;
    }

    /// <summary>The token, or false when the entry is not one this key wrote for this cache key (another key, another tenant's entry, damaged).</summary>
    public bool TryOpen(string cacheKey, ReadOnlySpan<byte> sealedBytes, out AccessToken token)
    {
        token = default;
        if (sealedBytes.Length < HeaderSize + 8 || sealedBytes[0] != Version)
        {
            return false;
        }

        var plain = new byte[sealedBytes.Length - HeaderSize];
        try
        {
            using var aes = new AesGcm(_key, TagSize);
            aes.Decrypt(sealedBytes.Slice(1, NonceSize), sealedBytes[HeaderSize..], sealedBytes.Slice(1 + NonceSize, TagSize), plain, Encoding.UTF8.GetBytes(cacheKey));
        }
        catch (CryptographicException)
        {
            return false;
        }

        var ticks = BinaryPrimitives.ReadInt64LittleEndian(plain);
        if (ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks)
        {
            return false;
        }

        token = new AccessToken(Encoding.UTF8.GetString(plain.AsSpan(8)), new DateTimeOffset(ticks, TimeSpan.Zero));
        CryptographicOperations.ZeroMemory(plain);
        return true;
    }

    public void Dispose() => CryptographicOperations.ZeroMemory(_key);
}
