using Defender365.Toolkit.Sync;

namespace Defender365.Toolkit.Tests.Sync;

/// <summary>
/// The cursor of incremental sync against a simulated collection whose items change over time, share change times,
/// become visible late (within the overlap) and come back in any order: nothing lost, nothing repeated, across
/// restarts from the cursor's JSON.
/// </summary>
public sealed class SyncCursorTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Every_version_current_at_a_poll_is_delivered_once_and_none_twice(int seed)
    {
        var random = new Random(seed);
        var overlap = TimeSpan.FromMinutes(2);
        var changes = new List<(string Id, DateTimeOffset ChangedAt, DateTimeOffset VisibleAt)>();
        var cursor = new SyncCursor(overlap);
        var delivered = new List<(string Id, DateTimeOffset ChangedAt)>();
        var mustHave = new HashSet<(string, DateTimeOffset)>();

        for (var poll = 0; poll < 200; poll++)
        {
            var now = Start + TimeSpan.FromSeconds(30 * poll);

            // Some items change: change times on whole seconds, so several share one; each becomes visible up to a
            // minute later (within the overlap), as an index that lags.
            for (var i = random.Next(0, 6); i > 0; i--)
            {
                var changedAt = now - TimeSpan.FromSeconds(random.Next(0, 3));
                changes.Add(($"item-{random.Next(0, 40)}", changedAt, changedAt + TimeSpan.FromSeconds(random.Next(0, 60))));
            }

            // What the API shows at this moment: each item's newest visible version.
            var current = changes.Where(c => c.VisibleAt <= now)
                .GroupBy(c => c.Id)
                .Select(g => g.MaxBy(c => c.ChangedAt))
                .ToList();
            mustHave.UnionWith(current.Select(c => (c.Id, c.ChangedAt)));

            // A restart now and then: the cursor comes back from what a store kept.
            if (poll % 37 == 36)
            {
                cursor = SyncCursor.FromJson(cursor.ToJson());
            }

            var from = cursor.StartPoll();
            var answer = current.Where(c => from is null || c.ChangedAt >= from).OrderBy(_ => random.Next()).ToList();
            foreach (var item in answer)
            {
                if (cursor.TryDeliver(item.Id, item.ChangedAt))
                {
                    delivered.Add((item.Id, item.ChangedAt));
                }
            }

            cursor.CompletePoll();
        }

        Assert.Equal(delivered.Count, delivered.Distinct().Count());
        var missing = mustHave.Except(delivered).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} versions current at a poll were never delivered, first {missing.FirstOrDefault()}");
        Assert.True(delivered.Count > 300, $"only {delivered.Count} versions: the simulation changed too little to test anything");
    }

    [Fact]
    public void Items_sharing_the_watermarks_time_are_neither_lost_nor_repeated_and_an_update_comes_again()
    {
        var cursor = new SyncCursor(TimeSpan.FromMinutes(1));
        var t = Start;
        Assert.Null(cursor.StartPoll());
        Assert.True(cursor.TryDeliver("a", t));
        Assert.True(cursor.TryDeliver("b", t));
        cursor.CompletePoll();

        // The second poll reads everything again (the first walk may have shifted), and repeats nothing.
        Assert.Null(cursor.StartPoll());
        Assert.False(cursor.TryDeliver("a", t));
        cursor.CompletePoll();

        // "c" shares the last time but was indexed after the poll: a cursor with "gt" would lose it, one with "ge" and
        // no memory would repeat "a" and "b".
        Assert.Equal(t - TimeSpan.FromMinutes(1), cursor.StartPoll());
        Assert.False(cursor.TryDeliver("a", t));
        Assert.False(cursor.TryDeliver("b", t));
        Assert.True(cursor.TryDeliver("c", t));
        Assert.True(cursor.TryDeliver("a", t.AddSeconds(5)));
        Assert.False(cursor.TryDeliver("a", t.AddSeconds(5)));
        cursor.CompletePoll();
        Assert.Equal(t.AddSeconds(5), cursor.Watermark);
    }

    [Fact]
    public void Within_one_poll_an_older_item_after_a_much_newer_one_still_gets_through()
    {
        var cursor = new SyncCursor(TimeSpan.FromMinutes(1));
        cursor.StartPoll();
        Assert.True(cursor.TryDeliver("new", Start.AddHours(3)));
        Assert.True(cursor.TryDeliver("old", Start));
        cursor.CompletePoll();
        Assert.Null(cursor.StartPoll());
        Assert.False(cursor.TryDeliver("old", Start));
        cursor.CompletePoll();

        // Memory stays within the overlap: "old" is forgotten, and a poll from the new watermark never asks for it.
        Assert.Equal(1, cursor.Remembered);
        cursor.StartPoll();
        Assert.False(cursor.TryDeliver("old", Start));
    }

    [Fact]
    public void A_change_time_far_ahead_of_the_clock_is_delivered_without_carrying_the_watermark_past_later_changes()
    {
        var now = Start;
        var cursor = new SyncCursor(TimeSpan.FromMinutes(2));
        cursor.StartPoll();
        Assert.True(cursor.TryDeliver("wrong-clock", now.AddDays(3), now.AddMinutes(5)));
        Assert.True(cursor.TryDeliver("a", now, now.AddMinutes(5)));
        cursor.CompletePoll();
        Assert.Equal(now.AddMinutes(5), cursor.Watermark);

        // Changes made after it, an hour later, are still asked for: a watermark of three days ahead would skip them.
        cursor.StartPoll();
        cursor.CompletePoll();
        now = now.AddHours(1);
        Assert.True(cursor.StartPoll() <= now);
        Assert.True(cursor.TryDeliver("b", now, now.AddMinutes(5)));

        // Remembered, so not delivered again; and once the server corrects its time, the corrected version comes.
        Assert.False(cursor.TryDeliver("wrong-clock", Start.AddDays(3), now.AddMinutes(5)));
        Assert.True(cursor.TryDeliver("wrong-clock", now, now.AddMinutes(5)));
    }

    [Fact]
    public void A_change_time_at_the_calendars_start_from_a_server_or_a_stored_cursor_asks_from_the_beginning()
    {
        // A placeholder date (0001-01-01) minus the overlap would overflow: the poll asks from the beginning instead.
        var cursor = new SyncCursor(TimeSpan.FromMinutes(5));
        cursor.StartPoll();
        Assert.True(cursor.TryDeliver("placeholder", DateTimeOffset.MinValue));
        cursor.CompletePoll();
        Assert.Null(cursor.StartPoll());
        cursor.CompletePoll();
        Assert.Equal(DateTimeOffset.MinValue, cursor.StartPoll());
        Assert.False(cursor.TryDeliver("placeholder", DateTimeOffset.MinValue));

        var stored = SyncCursor.FromJson("""{"Version":1,"Overlap":"00:05:00","Watermark":"0001-01-01T00:01:00+00:00","Delivered":{}}""");
        Assert.Equal(DateTimeOffset.MinValue, stored.StartPoll());
        Assert.True(stored.TryDeliver("a", DateTimeOffset.MaxValue));
        Assert.Equal(DateTimeOffset.MaxValue - TimeSpan.FromMinutes(5), stored.QueryFrom);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"Version":2,"Overlap":"00:01:00","Watermark":null,"Delivered":{}}""")]
    [InlineData("""{"Version":1,"Overlap":"00:00:00","Watermark":null,"Delivered":{}}""")]
    [InlineData("""{"Version":1,"Overlap":"00:01:00","Watermark":null}""")]
    public void A_damaged_or_foreign_cursor_is_a_format_error_never_a_fresh_start(string json)
    {
        Assert.Throws<FormatException>(() => SyncCursor.FromJson(json));
    }
}
