using System.Security.Cryptography;
using Defender365.Toolkit.Authentication;
using Defender365.Toolkit.Authentication.SharedCache;
using Defender365.Toolkit.Catalog;
using Defender365.Toolkit.Emulator;
using Defender365.Toolkit.Redis;
using Defender365.Toolkit.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Defender365.Toolkit.Tests.SharedCache;

/// <summary>
/// An emulator with a few thousand consented tenants and a real redis-server, for the tests of several app instances
/// sharing tokens and quotas. Each test takes its own range of tenants (<see cref="Tenants"/>), so counts never mix.
/// </summary>
public sealed class ScaleOutFixture : IAsyncLifetime
{
    private int _nextTenant;

    public string Secret { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));

    public byte[] EncryptionKey { get; } = RandomNumberGenerator.GetBytes(32);

    public DefenderEmulator Emulator { get; private set; } = null!;

    public RedisServer? Redis { get; private set; }

    public IReadOnlyList<string> AllTenants { get; private set; } = [];

    public async Task InitializeAsync()
    {
        var options = EmulatorOptions.CreateDemo(Secret);
        var tenants = new List<string>();
        for (var i = 0; i < 2500; i++)
        {
            var tenantId = new Guid(i + 1, 0x5ca1, 0x0e0a, [0, 0, 0, 0, 0, 0, 0, 1]).ToString();
            options.AddTenant(tenantId, $"Customer {i + 1}").Consent(EmulatorOptions.DemoClientId, DefenderResourceIds.ThreatProtection, "Incident.Read.All", "AdvancedHunting.Read.All");
            tenants.Add(tenantId);
        }

        AllTenants = tenants;
        Emulator = await DefenderEmulator.StartAsync(options);
        if (RedisServer.BinaryPath is not null || string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Redis = await RedisServer.StartAsync();
        }
    }

    public async Task DisposeAsync()
    {
        await Emulator.DisposeAsync();
        if (Redis is not null)
        {
            await Redis.DisposeAsync();
        }
    }

    /// <summary>The next <paramref name="count"/> tenants no other test has used.</summary>
    public IReadOnlyList<string> Tenants(int count)
    {
        var start = Interlocked.Add(ref _nextTenant, count) - count;
        return AllTenants.Skip(start).Take(count).ToList();
    }

    public int TokenRequests(IEnumerable<string> tenants) => tenants.Sum(Emulator.Statistics.TokenRequests);

    /// <summary>
    /// One app instance that has been running: its own Redis connection (connected, or given up on when Redis is down),
    /// shared cache and credential (its own MSAL and token cache).
    /// </summary>
    public async Task<AppInstance> StartInstanceAsync(string? redisConfiguration = null, byte[]? key = null, DefenderSharedTokenCacheOptions? options = null)
    {
        var instance = CreateInstance(redisConfiguration, key, options);
        await instance.ConnectedAsync();
        return instance;
    }

    /// <summary>One app instance, just created: its own Redis connection, shared cache and credential (its own MSAL and token cache).</summary>
    public AppInstance CreateInstance(string? redisConfiguration = null, byte[]? key = null, DefenderSharedTokenCacheOptions? options = null)
    {
        var configuration = redisConfiguration ?? Redis!.Configuration;
        var connection = new Lazy<Task<IConnectionMultiplexer>>(() => DefenderRedis.ConnectAsync(configuration));
        var logs = new RecordingLoggerFactory();
        var shared = DefenderRedis.CreateSharedTokenCache(() => connection.Value, key ?? EncryptionKey, options, logs);
        var credentialOptions = Emulator.CreateCredentialOptions("*");
        credentialOptions.SharedTokenCache = shared;
        credentialOptions.LoggerFactory = logs;
        return new AppInstance(DefenderAppCredential.FromClientSecret(EmulatorOptions.DemoClientId, Secret, credentialOptions), shared, logs, connection);
    }
}

/// <summary>One instance of a scaled-out app, as the tests see it.</summary>
public sealed class AppInstance(DefenderAppCredential credential, DefenderSharedTokenCache shared, RecordingLoggerFactory logs, Lazy<Task<IConnectionMultiplexer>> connection) : IAsyncDisposable
{
    public DefenderAppCredential Credential { get; } = credential;

    public DefenderSharedTokenCache Shared { get; } = shared;

    public RecordingLoggerFactory Logs { get; } = logs;

    public async Task<string> TokenAsync(string tenantId) =>
        (await Credential.GetTokenAsync(tenantId, DefenderResourceIds.ThreatProtection)).Token;

    public Task ConnectedAsync() => connection.Value;

    /// <summary>The instance's Redis connection, as the toolkit's Redis parts take it.</summary>
    public Func<Task<IConnectionMultiplexer>> Connection => () => connection.Value;

    public async ValueTask DisposeAsync()
    {
        Shared.Dispose();
        if (connection.IsValueCreated)
        {
            (await connection.Value).Dispose();
        }
    }
}

/// <summary>Keeps the level and event name of every log entry, to count what was said and how often.</summary>
public sealed class RecordingLoggerFactory : ILoggerFactory
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<(LogLevel Level, string? Event, string Text)> _entries = new();

    public IReadOnlyList<(LogLevel Level, string? Event, string Text)> Entries => [.. _entries];

    public int Count(string eventName) => _entries.Count(e => e.Event == eventName);

    public ILogger CreateLogger(string categoryName) => new Logger(_entries);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private sealed class Logger(System.Collections.Concurrent.ConcurrentQueue<(LogLevel, string?, string)> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries.Enqueue((logLevel, eventId.Name, formatter(state, exception)));
    }
}
