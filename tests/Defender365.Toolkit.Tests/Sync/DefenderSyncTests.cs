using System.Text.Json.Nodes;
using Defender365.Toolkit.Catalog;
using Defender365.Toolkit.Emulator;
using Defender365.Toolkit.Serialization;
using Defender365.Toolkit.Sync;

namespace Defender365.Toolkit.Tests.Sync;

/// <summary>
/// Incremental sync against the emulator while its data changes: what each poll delivers, unreadable items, a handler
/// that fails mid-page, the lease, a damaged cursor, and lists paged by offset while items move.
/// </summary>
public sealed class DefenderSyncTests
{
    [Fact]
    public async Task A_poll_delivers_every_change_since_the_last_once_including_several_sharing_one_time()
    {
        await using var bed = await SyncTestBed.StartAsync(tenants: 1, incidentsPerTenant: 12);
        var tenant = bed.Tenants[0];
        var sync = bed.CreateClient().ForTenant(tenant).GraphSecurity.Incidents.SyncIncidents(new DefenderSyncFileStore(bed.Folder), bed.Options());

        var first = await Collect(sync);
        Assert.Equal(12, first.Items.Count);
        Assert.Equal(12, first.Items.Select(i => i.Id).Distinct().Count());
        Assert.All(first.Items, i => Assert.False(i.IsQuarantined));
        Assert.Empty((await Collect(sync)).Items);

        // Two updates and three new incidents, all at one second: each delivered once, as its new version.
        bed.Clock.Advance(TimeSpan.FromMinutes(1));
        var changes = bed.Emulator.Activity.UpdateIncidents(tenant, 2)
            .Concat(bed.Emulator.Activity.CreateIncidents(tenant, 3))
            .Where(c => c.Kind == EmulatorChangeKind.Incident).ToList();
        var next = await Collect(sync);
        Assert.Equal(changes.Select(c => (c.Id, c.ChangedAt)).Distinct().Order(), next.Items.Select(i => (i.Id!, i.ChangedAt!.Value)).Order());
        Assert.All(next.Items, i => Assert.Equal(i.Id, i.Value!.Id));
        Assert.Empty((await Collect(sync)).Items);
    }

    [Fact]
    public async Task Pages_of_changes_come_together_and_pages_without_one_do_not_come()
    {
        await using var bed = await SyncTestBed.StartAsync(tenants: 1, incidentsPerTenant: 12);
        var sync = bed.CreateClient().ForTenant(bed.Tenants[0]).Incidents.SyncIncidents(new DefenderSyncFileStore(bed.Folder), bed.Options(o => o.PageSize = 5));
        var batches = new List<int>();
        var poll = await sync.PollPagesAsync((changes, _) =>
        {
            batches.Add(changes.Count);
            return ValueTask.CompletedTask;
        });
        Assert.Equal([5, 5, 2], batches);
        Assert.Equal(12, poll.Delivered);

        // The second poll reads the pages again and finds nothing new: no batch.
        batches.Clear();
        Assert.Equal(0, (await sync.PollPagesAsync((changes, _) =>
        {
            batches.Add(changes.Count);
            return ValueTask.CompletedTask;
        })).Delivered);
        Assert.Empty(batches);
    }

    [Fact]
    public async Task An_item_that_cannot_be_read_is_quarantined_with_its_reason_and_its_page_goes_on()
    {
        await using var bed = await SyncTestBed.StartAsync(tenants: 1, incidentsPerTenant: 6);
        var tenant = bed.Tenants[0];
        var sync = bed.CreateClient().ForTenant(tenant).GraphSecurity.Alerts.SyncAlertsV2(new DefenderSyncFileStore(bed.Folder), bed.Options());
        await Collect(sync);

        bed.Clock.Advance(TimeSpan.FromMinutes(1));
        var updated = bed.Emulator.Activity.UpdateAlerts(tenant, 3);
        var broken = bed.Emulator.Activity.SetField(tenant, EmulatorChangeKind.Alert, updated[1].Id, "alertCreationTime", JsonValue.Create("the day after tomorrow"), updated[1].ChangedAt);
        var poll = await Collect(sync);

        var quarantined = Assert.Single(poll.Items, i => i.IsQuarantined);
        Assert.Equal(broken.Id, quarantined.Id);
        Assert.StartsWith("GraphAlert.createdDateTime: 'the day after tomorrow' is not a date", quarantined.QuarantineReason, StringComparison.Ordinal);
        Assert.Equal("the day after tomorrow", quarantined.Raw.GetProperty("createdDateTime").GetString());
        Assert.Equal(updated.Select(c => c.Id).Distinct().Order(), poll.Items.Select(i => i.Id!).Order());
        Assert.Equal(1, poll.Result.Quarantined);

        // Delivered once, like any version.
        Assert.Empty((await Collect(sync)).Items);
    }

    [Fact]
    public async Task A_handler_that_fails_mid_page_gets_that_page_again_and_nothing_before_it()
    {
        await using var bed = await SyncTestBed.StartAsync(tenants: 1, incidentsPerTenant: 20);
        var tenant = bed.Tenants[0];
        var options = bed.Options(o => o.PageSize = 5);
        var delivered = new List<string>();
        var sync = bed.CreateClient().ForTenant(tenant).Incidents.SyncIncidents(new DefenderSyncFileStore(bed.Folder), options);
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => sync.PollAsync((item, _) =>
        {
            if (delivered.Count == 7)
            {
                throw new InvalidOperationException("the database went away");
            }

            delivered.Add(item.Id!);
            return ValueTask.CompletedTask;
        }));
        Assert.Equal("the database went away", failure.Message);

        // A new process (new client, new store object over the same folder): page 2 again, from its first item.
        var again = await Collect(bed.CreateClient().ForTenant(tenant).Incidents.SyncIncidents(new DefenderSyncFileStore(bed.Folder), options));
        var repeated = again.Items.Select(i => i.Id!).Intersect(delivered).ToList();
        Assert.Equal(delivered.Skip(5), repeated);
        Assert.Equal(20, delivered.Take(5).Concat(again.Items.Select(i => i.Id!)).Distinct().Count());
        Assert.Equal(15, again.Items.Count);
    }

    [Fact]
    public async Task A_poll_finding_the_lease_held_does_nothing_and_the_next_goes_on()
    {
        await using var bed = await SyncTestBed.StartAsync(tenants: 1);
        var store = new DefenderSyncFileStore(bed.Folder);
        var sync = bed.CreateClient().ForTenant(bed.Tenants[0]).GraphSecurity.Incidents.SyncIncidents(store, bed.Options());
        var calls = bed.Emulator.Statistics.TotalApiCalls;
        await using (var held = await store.TryOpenAsync(sync.Key, TimeSpan.FromMinutes(1)))
        {
            Assert.NotNull(held);
            var skipped = await Collect(sync);
            Assert.True(skipped.Result.LeaseHeldElsewhere);
            Assert.Empty(skipped.Items);
            Assert.Equal(calls, bed.Emulator.Statistics.TotalApiCalls);
        }

        Assert.Equal(8, (await Collect(sync)).Items.Count);
    }

    [Fact]
    public async Task A_damaged_cursor_is_an_error_naming_it_never_a_fresh_start()
    {
        await using var bed = await SyncTestBed.StartAsync(tenants: 1);
        var store = new DefenderSyncFileStore(bed.Folder);
        var sync = bed.CreateClient().ForTenant(bed.Tenants[0]).GraphSecurity.Incidents.SyncIncidents(store, bed.Options());
        await Collect(sync);
        var path = store.CursorPath(sync.Key);
        await File.WriteAllTextAsync(path, "{\"Version\":1,\"Overlap\":");

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => Collect(sync));
        Assert.Contains(bed.Tenants[0], error.Message, StringComparison.Ordinal);
        Assert.Contains("GraphSecurity.ListIncidents", error.Message, StringComparison.Ordinal);
        Assert.Equal("{\"Version\":1,\"Overlap\":", await File.ReadAllTextAsync(path));
    }

    [Fact]
    public async Task Items_that_move_while_an_offset_paged_list_is_walked_are_read_by_the_next_poll()
    {
        // XDR incidents page by $skip. The emulator moves a changed item to the end of its list, so every item after it
        // moves one place up, onto the page just read: the walk skips one. The next poll reads the skipped one again,
        // though the moved items carried the watermark a whole overlap past it.
        await using var bed = await SyncTestBed.StartAsync(tenants: 1, incidentsPerTenant: 30);
        var tenant = bed.Tenants[0];
        var sync = bed.CreateClient().ForTenant(tenant).Incidents.SyncIncidents(new DefenderSyncFileStore(bed.Folder), new DefenderSyncOptions { TimeProvider = bed.Clock, PageSize = 4, Overlap = TimeSpan.FromMinutes(10) });
        await Collect(sync);
        await Collect(sync);

        bed.Clock.Advance(TimeSpan.FromMinutes(1));
        var changed = bed.Emulator.Activity.UpdateIncidents(tenant, 12).GroupBy(c => c.Id).Select(g => g.Last()).ToList();
        bed.Clock.Advance(TimeSpan.FromMinutes(15));
        var seen = new List<(string Id, DateTimeOffset ChangedAt)>();
        await sync.PollAsync((item, _) =>
        {
            seen.Add((item.Id!, item.ChangedAt!.Value));
            if (seen.Count <= 3)
            {
                // While the walk goes on, an item just read changes (now, 15 minutes later) and moves to the end.
                bed.Emulator.Activity.SetField(tenant, EmulatorChangeKind.Incident, item.Id!, "assignedTo", JsonValue.Create("tier2@contoso.com"));
            }

            return ValueTask.CompletedTask;
        });
        Assert.True(seen.Count < changed.Count + 3, "no item slipped: the test no longer tests a shifted walk");
        var next = await Collect(sync);
        seen.AddRange(next.Items.Select(i => (i.Id!, i.ChangedAt!.Value)));

        Assert.Equal(seen.Count, seen.Distinct().Count());
        foreach (var change in changed)
        {
            Assert.True(seen.Any(s => s.Id == change.Id), $"incident {change.Id} was never delivered");
        }
    }

    [Fact]
    public async Task Alerts_of_Defender_for_Endpoint_sync_as_raw_JSON_through_the_invoker()
    {
        await using var bed = await SyncTestBed.StartAsync(tenants: 1, incidentsPerTenant: 10);
        var tenant = bed.Tenants[0];
        var client = bed.CreateClient();
        var sync = client.Invoker.GetSync(DefenderCatalog.Default.GetOperation("ListAlerts"), tenant, DefenderJson.JsonElementTypeInfo, new DefenderSyncFileStore(bed.Folder), new DefenderSyncOptions { TimeProvider = bed.Clock, PageSize = 7 });
        var all = await Collect(sync);
        Assert.True(all.Items.Count >= 10);
        Assert.True(all.Result.Pages >= 2);
        Assert.All(all.Items, i => Assert.Equal(i.Id, i.Value.GetProperty("id").GetString()));

        bed.Clock.Advance(TimeSpan.FromMinutes(1));
        var updated = bed.Emulator.Activity.UpdateAlerts(tenant, 1);
        var next = await Collect(sync);
        Assert.Equal(updated[0].Id, Assert.Single(next.Items).Id);
    }

    [Fact]
    public async Task A_token_that_expires_in_the_middle_of_a_walk_is_renewed_and_the_walk_goes_on()
    {
        await using var bed = await SyncTestBed.StartAsync(tenants: 1, incidentsPerTenant: 20, tokenLifetime: TimeSpan.FromMinutes(6));
        var tenant = bed.Tenants[0];
        var sync = bed.CreateClient().ForTenant(tenant).GraphSecurity.Incidents.SyncIncidents(new DefenderSyncFileStore(bed.Folder), bed.Options(o => o.PageSize = 5));
        var pages = 0;
        var poll = await sync.PollPagesAsync((changes, _) =>
        {
            // Each page takes seven minutes to handle: the token of the page before has expired by the next request.
            pages++;
            bed.Clock.Advance(TimeSpan.FromMinutes(7));
            return ValueTask.CompletedTask;
        });

        Assert.Equal(20, poll.Delivered);
        Assert.Equal(4, pages);
        Assert.True(bed.Emulator.Statistics.TokenRequests(tenant) >= 4, $"{bed.Emulator.Statistics.TokenRequests(tenant)} token requests for 4 pages seven minutes apart");
    }

    [Fact]
    public async Task Changes_a_lagging_index_shows_late_but_within_the_overlap_still_arrive()
    {
        await using var bed = await SyncTestBed.StartAsync(tenants: 1);
        var tenant = bed.Tenants[0];
        var sync = bed.CreateClient().ForTenant(tenant).GraphSecurity.Incidents.SyncIncidents(new DefenderSyncFileStore(bed.Folder), new DefenderSyncOptions { TimeProvider = bed.Clock, Overlap = TimeSpan.FromMinutes(2) });
        await Collect(sync);

        bed.Clock.Advance(TimeSpan.FromMinutes(1));
        var late = bed.Emulator.Activity.UpdateIncidents(tenant, 1, indexingDelay: TimeSpan.FromSeconds(90));
        bed.Clock.Advance(TimeSpan.FromSeconds(30));
        var soon = bed.Emulator.Activity.UpdateIncidents(tenant, 1);
        Assert.Equal([soon[0].Id], (await Collect(sync)).Items.Select(i => i.Id));

        bed.Clock.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal([late[0].Id], (await Collect(sync)).Items.Select(i => i.Id));
    }

    internal static async Task<(List<DefenderSyncItem<T>> Items, DefenderSyncPoll Result)> Collect<T>(DefenderSync<T> sync)
    {
        var items = new List<DefenderSyncItem<T>>();
        var result = await sync.PollAsync((item, _) =>
        {
            items.Add(item);
            return ValueTask.CompletedTask;
        });
        return (items, result);
    }
}
