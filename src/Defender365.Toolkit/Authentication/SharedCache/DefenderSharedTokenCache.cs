using System.Security.Cryptography;
using System.Text;
using Azure.Core;
using Defender365.Toolkit.Diagnostics;
using Defender365.Toolkit.Resilience;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Defender365.Toolkit.Authentication.SharedCache;

/// <summary>
/// The second level of <see cref="DefenderAppCredential"/>'s token cache, shared by every instance of an app through an
/// <see cref="IDistributedCache"/> (Redis, usually): a tenant's token is requested once for all instances, and an
/// instance that starts or scales out finds the tokens the others hold.
/// </summary>
/// <remarks>
/// <para>Entries are per app, tenant and scope, encrypted with AES-256-GCM under the key given here and bound to their
/// cache key; the cache key is a hash, so the store shows neither tenants nor tokens. An entry expires with its token
/// (less the credential's refresh margin).</para>
/// <para>With <see cref="IDefenderTokenLeases"/>, instances asking for the same cold tenant at once make one token
/// request between them: one takes the tenant's lease and asks, the others wait for its entry, and take over when it
/// gives the lease back without one or stops.</para>
/// <para>The shared cache never fails a call: when it fails or is slower than
/// <see cref="DefenderSharedTokenCacheOptions.OperationTimeout"/>, the credential goes on with its own cache and the token
/// service, says so once in the log, and tries the shared cache again after a second, then after twice as long each
/// time it still fails, up to <see cref="DefenderSharedTokenCacheOptions.RetryAfterFailure"/>.</para>
/// <para>Thread-safe; share one instance between the credentials of a process (one per app registration is usual).</para>
/// </remarks>
public sealed class DefenderSharedTokenCache : IDisposable
{
    private static readonly TimeSpan MaxPoll = TimeSpan.FromMilliseconds(250);

    private readonly IDistributedCache _cache;
    private readonly IDefenderTokenLeases? _leases;
    private readonly TokenEnvelope _envelope;
    private readonly DefenderSharedTokenCacheOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    private readonly SharedStoreGuard _guard;
    private volatile bool _disposed;

    /// <summary>Creates the shared cache over a distributed cache.</summary>
    /// <param name="cache">The store shared by the app's instances, for example the Redis cache of <c>Microsoft.Extensions.Caching.StackExchangeRedis</c>.</param>
    /// <param name="encryptionKey">32 random bytes, the same in every instance; keep it with the app's secrets. Tokens cached under another key are not readable.</param>
    /// <param name="leases">Leases that make instances ask for a cold tenant once between them; without, each instance asks once.</param>
    /// <param name="options">Timeouts and lease timing.</param>
    /// <param name="loggerFactory">Where the shared cache's failures and recoveries are logged (category <c>Defender365.Toolkit.Authentication</c>).</param>
    /// <param name="timeProvider">The clock. Default: <see cref="TimeProvider.System"/>.</param>
    public DefenderSharedTokenCache(IDistributedCache cache, ReadOnlySpan<byte> encryptionKey, IDefenderTokenLeases? leases = null, DefenderSharedTokenCacheOptions? options = null, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(cache);
        _options = options ?? new DefenderSharedTokenCacheOptions();
        _options.Validate();
        _cache = cache;
        _leases = leases;
        _envelope = new TokenEnvelope(encryptionKey);
        _time = timeProvider ?? TimeProvider.System;
        _logger = loggerFactory?.CreateLogger(DefenderLog.AuthenticationCategory) ?? NullLogger.Instance;
        _guard = new SharedStoreGuard(_options.OperationTimeout, _options.RetryAfterFailure, _time, _logger, DefenderLog.SharedCacheUnavailable, DefenderLog.SharedCacheRecovered);
    }

    /// <summary>
    /// Whether the shared cache is in use: false for a while after it failed (see
    /// <see cref="DefenderSharedTokenCacheOptions.RetryAfterFailure"/>), and for good once disposed.
    /// </summary>
    public bool IsAvailable => !_disposed && _guard.IsAvailable;

    /// <summary>Forgets the encryption key. A credential still holding the cache goes on without it, as when Redis is down.</summary>
    public void Dispose()
    {
        _disposed = true;
        _envelope.Dispose();
    }

    /// <summary>
    /// A token for the key from the shared cache, or from <paramref name="fromService"/> (once for all instances when
    /// leases are configured), then stored for the others.
    /// </summary>
    /// <param name="clientId">The app, part of the entry's identity.</param>
    /// <param name="key">Tenant and scope.</param>
    /// <param name="readShared">False when the token in hand was refused: the shared one may be the same, so it is replaced, not read.</param>
    /// <param name="margin">The credential's refresh margin: a shared token closer than this to its expiry is not taken.</param>
    /// <param name="fromService">Requests a token from the token service.</param>
    internal async Task<(AccessToken Token, bool Shared)> GetOrAcquireAsync(string clientId, TokenKey key, bool readShared, TimeSpan margin, Func<Task<AccessToken>> fromService)
    {
        var cacheKey = CacheKey(clientId, key);
        if (readShared && await TryReadAsync(cacheKey, margin).ConfigureAwait(false) is { } cached)
        {
            return (cached, true);
        }

        if (_leases is null || !readShared)
        {
            return (await FromServiceAndShareAsync(cacheKey, margin, fromService).ConfigureAwait(false), false);
        }

        // Wait for another instance's token at most twice the lease: the holder's time, then one takeover.
        var giveUpAt = _time.GetUtcNow() + _options.LeaseDuration + _options.LeaseDuration;
        var poll = _options.PollInterval;
        while (IsAvailable && _time.GetUtcNow() < giveUpAt)
        {
            var (ok, lease) = await RunAsync(ct => _leases.TryAcquireAsync(cacheKey, _options.LeaseDuration, ct).AsTask()).ConfigureAwait(false);
            if (!ok)
            {
                break;
            }

            if (lease is not null)
            {
                try
                {
                    // The holder before us may have written it between our read and our lease.
                    if (await TryReadAsync(cacheKey, margin).ConfigureAwait(false) is { } written)
                    {
                        return (written, true);
                    }

                    return (await FromServiceAndShareAsync(cacheKey, margin, fromService).ConfigureAwait(false), false);
                }
                finally
                {
                    // Given back under the same timeout: a lease that cannot be given back lapses on its own.
                    await RunAsync(async _ =>
                    {
                        await lease.DisposeAsync().ConfigureAwait(false);
                        return true;
                    }).ConfigureAwait(false);
                }
            }

            // Most token requests take tens of milliseconds: look soon, then less often, so waiting instances load
            // Redis little.
            await Task.Delay(poll, _time).ConfigureAwait(false);
            poll = TimeSpan.FromTicks(Math.Min(poll.Ticks * 2, Math.Max(_options.PollInterval.Ticks, MaxPoll.Ticks)));
            if (await TryReadAsync(cacheKey, margin).ConfigureAwait(false) is { } shared)
            {
                return (shared, true);
            }
        }

        return (await FromServiceAndShareAsync(cacheKey, margin, fromService).ConfigureAwait(false), false);
    }

    private async Task<AccessToken> FromServiceAndShareAsync(string cacheKey, TimeSpan margin, Func<Task<AccessToken>> fromService)
    {
        var token = await fromService().ConfigureAwait(false);
        var expiry = token.ExpiresOn - margin;
        if (expiry > _time.GetUtcNow() && IsAvailable)
        {
            var sealedToken = _envelope.Seal(cacheKey, token);
            await RunAsync(async ct =>
            {
                await _cache.SetAsync(cacheKey, sealedToken, new DistributedCacheEntryOptions { AbsoluteExpiration = expiry }, ct).ConfigureAwait(false);
                return true;
            }).ConfigureAwait(false);
        }

        return token;
    }

    private async Task<AccessToken?> TryReadAsync(string cacheKey, TimeSpan margin)
    {
        var (ok, bytes) = await RunAsync(ct => _cache.GetAsync(cacheKey, ct)).ConfigureAwait(false);
        if (!ok || bytes is null)
        {
            return null;
        }

        if (!_envelope.TryOpen(cacheKey, bytes, out var token))
        {
            // Written under another key (rotated, or another app's), or damaged: a miss; the new token replaces it.
            DefenderLog.SharedTokenUnreadable(_logger);
            return null;
        }

        return token.ExpiresOn - margin > _time.GetUtcNow() ? token : null;
    }

    /// <summary>Runs one shared cache operation within the timeout; a failure or timeout switches the shared cache off for a while.</summary>
    private Task<(bool Ok, T? Value)> RunAsync<T>(Func<CancellationToken, Task<T>> operation) =>
        _disposed ? Task.FromResult<(bool, T?)>((false, default)) : _guard.RunAsync(operation);

    // A hash: the store shows neither the app nor the tenant. The tenant is taken as given (ordinal), like the
    // credential's own cache, so no spelling of one tenant can return another's token.
    private string CacheKey(string clientId, TokenKey key)
    {
        var identity = Encoding.UTF8.GetBytes($"{clientId}\n{key.TenantId}\n{key.Scope}");
        return _options.KeyPrefix + Convert.ToHexString(SHA256.HashData(identity)).ToLowerInvariant();
    }
}
