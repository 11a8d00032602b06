using System.Security.Cryptography;
using Defender365.Toolkit.Authentication;
using Defender365.Toolkit.Catalog;
using Defender365.Toolkit.Emulator;
using Defender365.Toolkit.Http;
using Defender365.Toolkit.Sync;
using Defender365.Toolkit.Tests.Generated;
using Microsoft.Extensions.Time.Testing;

namespace Defender365.Toolkit.Tests.Sync;

/// <summary>
/// An emulator of its own with tenants consented to everything, on a clock the test moves, a cursor folder, and clients
/// made afresh on demand (as a restarted process makes them).
/// </summary>
internal sealed class SyncTestBed : IAsyncDisposable
{
    private readonly string _secret;

    private SyncTestBed(DefenderEmulator emulator, string secret, FakeTimeProvider clock, IReadOnlyList<string> tenants, string folder)
    {
        Emulator = emulator;
        _secret = secret;
        Clock = clock;
        Tenants = tenants;
        Folder = folder;
    }

    public DefenderEmulator Emulator { get; }

    /// <summary>The emulator's clock: change times, indexing and "now" for lists. Tokens live a day, so moving it never expires one.</summary>
    public FakeTimeProvider Clock { get; }

    public IReadOnlyList<string> Tenants { get; }

    /// <summary>A fresh folder for cursors, deleted at the end.</summary>
    public string Folder { get; }

    public static async Task<SyncTestBed> StartAsync(int tenants, int incidentsPerTenant = 8, TimeSpan? tokenLifetime = null)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero).AddHours(8));
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
        var options = EmulatorOptions.CreateDemo(secret);
        options.TimeProvider = clock;
        options.TokenLifetime = tokenLifetime ?? TimeSpan.FromDays(1);
        options.IncidentsPerTenant = incidentsPerTenant;
        options.MachinesPerTenant = 2;
        var ids = new List<string>();
        for (var i = 0; i < tenants; i++)
        {
            var id = new Guid(0x5e000000 + i, 0x1111, 0x4222, 0x83, 0x33, 0x44, 0x44, 0x55, 0x55, 0x55, 0x55).ToString();
            var tenant = options.AddTenant(id, $"Synced tenant {i}");
            foreach (var resource in DefenderCatalog.Default.Resources)
            {
                tenant.Consent(EmulatorOptions.DemoClientId, resource.Id, resource.Permissions.Where(p => p.Kind == DefenderPermissionKind.Application).Select(p => p.Name).ToArray());
            }

            ids.Add(id);
        }

        var emulator = await DefenderEmulator.StartAsync(options);
        var folder = Path.Combine(Path.GetTempPath(), "defender-sync-" + Guid.NewGuid().ToString("N"));
        return new SyncTestBed(emulator, secret, clock, ids, folder);
    }

    /// <summary>Sync options on the emulator's clock, which judges how late a change time can plausibly be.</summary>
    public DefenderSyncOptions Options(Action<DefenderSyncOptions>? configure = null)
    {
        var options = new DefenderSyncOptions { TimeProvider = Clock };
        configure?.Invoke(options);
        return options;
    }

    /// <summary>A client as a process starting now makes it: its own credential (empty token cache) and pipeline.</summary>
    public DefenderClient CreateClient(Action<DefenderClientOptions>? configure = null)
    {
        var credentialOptions = Emulator.CreateCredentialOptions("*");
        credentialOptions.TimeProvider = Clock;
        var credential = DefenderAppCredential.FromClientSecret(EmulatorOptions.DemoClientId, _secret, credentialOptions);
        var options = Emulator.CreateClientOptions();
        options.Retry.Delay = TimeSpan.FromMilliseconds(10);
        configure?.Invoke(options);
        return new DefenderClient(new DefenderOperationInvoker(credential, options));
    }

    public async ValueTask DisposeAsync()
    {
        await Emulator.DisposeAsync();
        if (Directory.Exists(Folder))
        {
            Directory.Delete(Folder, recursive: true);
        }
    }
}
