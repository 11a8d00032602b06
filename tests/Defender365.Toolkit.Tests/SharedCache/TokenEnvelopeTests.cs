using System.Security.Cryptography;
using Azure.Core;
using Defender365.Toolkit.Authentication.SharedCache;

namespace Defender365.Toolkit.Tests.SharedCache;

/// <summary>The encryption of shared cache entries, without Redis: what opens, and what must not.</summary>
public sealed class TokenEnvelopeTests
{
    private static readonly AccessToken Token = new("eyJ0eXAiOiJKV1QifQ.eyJ0aWQiOiJhIn0.c2ln", new DateTimeOffset(2026, 12, 2, 15, 0, 0, TimeSpan.Zero));

    [Fact]
    public void An_entry_opens_with_its_key_under_its_cache_key_only()
    {
        using var envelope = new TokenEnvelope(RandomNumberGenerator.GetBytes(32));
        var sealedBytes = envelope.Seal("defender365:token:aaa", Token);

        Assert.True(envelope.TryOpen("defender365:token:aaa", sealedBytes, out var opened));
        Assert.Equal(Token.Token, opened.Token);
        Assert.Equal(Token.ExpiresOn, opened.ExpiresOn);

        // Moved under another tenant's key, it does not open: no instance can be given another tenant's token.
        Assert.False(envelope.TryOpen("defender365:token:bbb", sealedBytes, out _));

        using var otherKey = new TokenEnvelope(RandomNumberGenerator.GetBytes(32));
        Assert.False(otherKey.TryOpen("defender365:token:aaa", sealedBytes, out _));
    }

    [Fact]
    public void A_damaged_or_foreign_entry_is_a_miss_not_an_exception()
    {
        using var envelope = new TokenEnvelope(RandomNumberGenerator.GetBytes(32));
        var sealedBytes = envelope.Seal("k", Token);
        for (var i = 0; i < sealedBytes.Length; i += 7)
        {
            var damaged = (byte[])sealedBytes.Clone();
            damaged[i] ^= 0x20;
            Assert.False(envelope.TryOpen("k", damaged, out _));
        }

        Assert.False(envelope.TryOpen("k", [], out _));
        Assert.False(envelope.TryOpen("k", "{\"token\":\"plain\"}"u8.ToArray(), out _));
        Assert.False(envelope.TryOpen("k", sealedBytes.AsSpan(0, 20), out _));
    }

    [Fact]
    public void Two_entries_of_the_same_token_differ_so_a_store_cannot_tell_they_are_equal()
    {
        using var envelope = new TokenEnvelope(RandomNumberGenerator.GetBytes(32));
        Assert.NotEqual(envelope.Seal("k", Token), envelope.Seal("k", Token));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(16)]
    [InlineData(31)]
    [InlineData(64)]
    public void A_key_that_is_not_32_bytes_is_refused_saying_how_to_make_one(int length)
    {
        var error = Assert.Throws<ArgumentException>(() => new TokenEnvelope(new byte[length]));
        Assert.Contains("32 bytes", error.Message, StringComparison.Ordinal);
    }
}
