using Defender365.Toolkit.Redis;
using Defender365.Toolkit.Sync;
using Defender365.Toolkit.Tests.Infrastructure;

namespace Defender365.Toolkit.Tests.Sync;

/// <summary>
/// Both cursor stores keep the same contract: nothing before the first save, what was saved last afterwards, one lease
/// holder per key at a time, released on dispose; the Redis lease expires and a late holder cannot save.
/// </summary>
public sealed class SyncStoreTests
{
    private static readonly DefenderSyncKey Key = new("Contoso.onmicrosoft.com", "GraphSecurity.ListIncidents");

    [Fact]
    public async Task File_store_keeps_the_contract()
    {
        var folder = Path.Combine(Path.GetTempPath(), "defender-sync-store-" + Guid.NewGuid().ToString("N"));
        try
        {
            await KeepsTheContract(new DefenderSyncFileStore(folder), () => new DefenderSyncFileStore(folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [RedisFact]
    public async Task Redis_store_keeps_the_contract_and_fences_a_holder_whose_lease_expired()
    {
        await using var redis = await RedisServer.StartAsync();
        var connection = DefenderRedis.ConnectAsync(redis.Configuration);
        var store = DefenderRedis.CreateSyncStore(() => connection, "test:sync:");
        await KeepsTheContract(store, () => DefenderRedis.CreateSyncStore(() => connection, "test:sync:"));

        // A poll that outlived its lease: another took the key, and the late save is refused, not written.
        await using var late = (await store.TryOpenAsync(Key, TimeSpan.FromMilliseconds(200)))!;
        await Task.Delay(400);
        await using var taker = await store.TryOpenAsync(Key, TimeSpan.FromMinutes(1));
        Assert.NotNull(taker);
        var lost = await Assert.ThrowsAsync<DefenderSyncLeaseLostException>(() => late.SaveAsync("late").AsTask());
        Assert.Equal(Key, lost.Key);
        Assert.Equal("second", taker.Cursor);

        // The late holder's dispose does not free the new holder's lease.
        await late.DisposeAsync();
        Assert.Null(await store.TryOpenAsync(Key, TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public void File_names_of_tenants_stay_inside_the_folder()
    {
        var store = new DefenderSyncFileStore(Path.Combine(Path.GetTempPath(), "cursors"));
        foreach (var tenant in new[] { "../../etc", "..", "a/b", "C:\\x", "contoso.onmicrosoft.com", "72F988BF-86F1-41AF-91AB-2D7CD011DB47" })
        {
            var path = store.CursorPath(new DefenderSyncKey(tenant, "ListIncidents"));
            Assert.Equal(store.Directory, Path.GetDirectoryName(Path.GetDirectoryName(path)));
        }

        Assert.EndsWith(Path.Combine("contoso.onmicrosoft.com", "listincidents.cursor.json"), store.CursorPath(new DefenderSyncKey("Contoso.onmicrosoft.com", "ListIncidents")), StringComparison.Ordinal);

        // A device name Windows reserves is hashed, like any name that is no plain id or domain.
        Assert.StartsWith("x-", Path.GetFileName(Path.GetDirectoryName(store.CursorPath(new DefenderSyncKey("CON.example", "ListIncidents")))), StringComparison.Ordinal);
    }

    private static async Task KeepsTheContract(IDefenderSyncStore store, Func<IDefenderSyncStore> sameStoreElsewhere)
    {
        await using (var first = await store.TryOpenAsync(Key, TimeSpan.FromMinutes(1)))
        {
            Assert.NotNull(first);
            Assert.Null(first.Cursor);

            // Held: another opener (another store object, as another process has) gets nothing.
            Assert.Null(await sameStoreElsewhere().TryOpenAsync(Key, TimeSpan.FromMinutes(1)));
            Assert.Null(await store.TryOpenAsync(Key with { TenantId = "CONTOSO.onmicrosoft.com" }, TimeSpan.FromMinutes(1)));

            // Another key is independent.
            await using (var other = await store.TryOpenAsync(Key with { Collection = "ListIncidents" }, TimeSpan.FromMinutes(1)))
            {
                Assert.NotNull(other);
            }

            await first.SaveAsync("first");
            Assert.Equal("first", first.Cursor);
        }

        await using var second = await sameStoreElsewhere().TryOpenAsync(Key, TimeSpan.FromMinutes(1));
        Assert.NotNull(second);
        Assert.Equal("first", second.Cursor);
        await second.SaveAsync("second");
        await second.DisposeAsync();
        await using var third = await store.TryOpenAsync(Key, TimeSpan.FromMinutes(1));
        Assert.Equal("second", third!.Cursor);
    }
}
