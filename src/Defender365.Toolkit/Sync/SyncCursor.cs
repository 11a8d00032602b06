using System.Text.Json;
using System.Text.Json.Serialization;

namespace Defender365.Toolkit.Sync;

/// <summary>
/// Where an incremental sync of one collection of one tenant stands: the newest change time delivered (the watermark)
/// and every (id, change time) delivered within the overlap before it. A poll starts with <see cref="StartPoll"/>, asks
/// the API for changes at or after the time it returns, lets each item through <see cref="TryDeliver"/> (true exactly
/// for the versions not delivered yet), and ends with <see cref="CompletePoll"/>.
/// </summary>
/// <remarks>
/// <para>Why both: the APIs filter on a change time that many items can share and that an item can reach the index
/// late. A cursor of one timestamp with <c>gt</c> loses the items that share the last one; with <c>ge</c> it repeats
/// them. Asking again from <see cref="Overlap"/> before the watermark, and skipping the versions already delivered,
/// loses neither, and an item changed again (a new change time) is delivered again, as an update.</para>
/// <para>The guarantee holds for a change that becomes visible within <see cref="Overlap"/> of the newest change
/// time seen. Memory is the versions delivered within the overlap, not the collection.</para>
/// <para>Each poll asks from the watermark the previous poll started with (minus the overlap), not the one it ended
/// with: every change is read by two consecutive polls. A list paged by offset (<c>$skip</c>, or a skip token) shifts
/// when items change during the walk, and an item can slip to a page already read; the next poll reads it again. So
/// the first two polls both read the whole collection, and the cursor remembers all of it until the second ends.</para>
/// <para>Not thread-safe: a sync of one tenant and collection runs one poll at a time.</para>
/// </remarks>
internal sealed class SyncCursor
{
    private readonly Dictionary<string, DateTimeOffset> _delivered;

    // Items whose id or change time could not be read, by a fingerprint of their bytes, with the watermark when first
    // seen: each is delivered (quarantined) once, and forgotten when the watermark has moved an overlap past it.
    private readonly Dictionary<string, DateTimeOffset> _unreadable;

    // The lower bound of the poll under way, fixed at its start: the watermark moves while a page is read, and an item
    // of the same poll older than the moved bound must still get through. A poll that did not complete (a failed page,
    // a crash after a saved page) is resumed from the same bound: its later pages were never read.
    private DateTimeOffset? _pollFrom;
    private bool _polling;

    // The watermark when the poll under way started, and when the last completed poll started: QueryFrom lags one poll.
    // A completed poll that started with no watermark read from the beginning; the next one does too.
    private DateTimeOffset? _pollStartWatermark;
    private DateTimeOffset? _previousPollStart;
    private bool _previousFromBeginning;

    /// <summary>A cursor with nothing delivered yet: the first poll asks for everything.</summary>
    /// <param name="overlap">How far before the watermark each poll asks again. Positive, at most a day.</param>
    public SyncCursor(TimeSpan overlap)
        : this(overlap, null, new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal), new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal))
    {
    }

    private SyncCursor(TimeSpan overlap, DateTimeOffset? watermark, Dictionary<string, DateTimeOffset> delivered, Dictionary<string, DateTimeOffset> unreadable)
    {
        if (overlap <= TimeSpan.Zero || overlap > TimeSpan.FromDays(1))
        {
            throw new ArgumentOutOfRangeException(nameof(overlap), overlap, "The overlap must be positive and at most a day.");
        }

        Overlap = overlap;
        Watermark = watermark;
        _delivered = delivered;
        _unreadable = unreadable;
    }

    /// <summary>How far before the watermark each poll asks again.</summary>
    public TimeSpan Overlap { get; }

    /// <summary>The newest change time delivered; null before the first delivery.</summary>
    public DateTimeOffset? Watermark { get; private set; }

    /// <summary>The change time the next poll asks from (inclusive); null: from the beginning.</summary>
    /// <remarks>A change time near <see cref="DateTimeOffset.MinValue"/> (a server's placeholder) asks from the beginning instead of overflowing.</remarks>
    public DateTimeOffset? QueryFrom => _previousFromBeginning || LowerWatermark is not { } watermark ? null
        : watermark - DateTimeOffset.MinValue < Overlap ? DateTimeOffset.MinValue : watermark - Overlap;

    private DateTimeOffset? LowerWatermark => _previousPollStart is { } previous && previous < Watermark ? previous : Watermark;

    /// <summary>Versions remembered, all within the overlap.</summary>
    public int Remembered => _delivered.Count + _unreadable.Count;

    /// <summary>Whether a poll started and did not complete: the next <see cref="StartPoll"/> resumes it.</summary>
    public bool IsPolling => _polling;

    /// <summary>
    /// Starts a poll: the change time to ask the API from (inclusive), or null for everything. A poll that started and
    /// did not complete is resumed from its own start time.
    /// </summary>
    public DateTimeOffset? StartPoll()
    {
        if (!_polling)
        {
            _pollFrom = QueryFrom;
            _pollStartWatermark = Watermark;
            _polling = true;
        }

        return _pollFrom;
    }

    /// <summary>
    /// Whether the item's version (its id and change time) is new: true once per version, and the cursor then counts it
    /// as delivered. An older version than one delivered, or one from before the poll's start time, is not new.
    /// </summary>
    /// <param name="id">The item's id.</param>
    /// <param name="changedAt">Its change time.</param>
    /// <param name="latestPlausible">
    /// The latest change time the watermark may take (now, plus the clocks' skew). An item stamped later (a wrong clock,
    /// a placeholder far ahead) is delivered and remembered, but does not carry the watermark past the changes still to
    /// come, which would then be asked for too late and lost.
    /// </param>
    public bool TryDeliver(string id, DateTimeOffset changedAt, DateTimeOffset? latestPlausible = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        if (_pollFrom is { } from && changedAt < from)
        {
            return false;
        }

        // An older version than one delivered is stale, unless the one delivered bore an implausible (future) time.
        if (_delivered.TryGetValue(id, out var delivered)
            && (changedAt == delivered || (changedAt < delivered && (latestPlausible is not { } cap || delivered <= cap))))
        {
            return false;
        }

        _delivered[id] = changedAt;
        var mark = latestPlausible is { } latest && changedAt > latest ? latest : changedAt;
        if (Watermark is null || mark > Watermark)
        {
            Watermark = mark;
        }

        return true;
    }

    /// <summary>
    /// Whether an item whose id or change time cannot be read is new: true the first time its bytes are seen, so it is
    /// quarantined once rather than on every poll that returns it. It does not move the watermark.
    /// </summary>
    public bool TryDeliverUnreadable(string fingerprint)
    {
        ArgumentException.ThrowIfNullOrEmpty(fingerprint);
        return _unreadable.TryAdd(fingerprint, Watermark ?? DateTimeOffset.MinValue);
    }

    /// <summary>Ends a poll: forgets the versions that fell out of the overlap.</summary>
    public void CompletePoll()
    {
        _pollFrom = null;
        _polling = false;
        _previousPollStart = _pollStartWatermark;
        _previousFromBeginning = _pollStartWatermark is null;
        if (QueryFrom is not { } from)
        {
            return;
        }

        Forget(_delivered, from);
        Forget(_unreadable, from);
    }

    private static void Forget(Dictionary<string, DateTimeOffset> versions, DateTimeOffset before)
    {
        foreach (var (key, changedAt) in versions)
        {
            if (changedAt < before)
            {
                versions.Remove(key);
            }
        }
    }

    /// <summary>The cursor as JSON, for a store.</summary>
    public string ToJson() =>
        JsonSerializer.Serialize(new State(1, Overlap, Watermark, _delivered, _polling, _pollFrom, _unreadable, _pollStartWatermark, _previousPollStart, _previousFromBeginning), SyncCursorJson.Default.State);

    /// <summary>Reads a cursor a store kept.</summary>
    /// <exception cref="FormatException">The text is not a cursor of this version.</exception>
    public static SyncCursor FromJson(string json)
    {
        State? state;
        try
        {
            state = JsonSerializer.Deserialize(json, SyncCursorJson.Default.State);
        }
        catch (JsonException e)
        {
            throw new FormatException($"The sync cursor is not readable JSON ({e.Message}).", e);
        }

        if (state is not { Version: 1, Delivered: not null })
        {
            throw new FormatException("The sync cursor is not one this version writes (version 1, with its delivered versions).");
        }

        try
        {
            return new SyncCursor(
                state.Overlap,
                state.Watermark,
                new Dictionary<string, DateTimeOffset>(state.Delivered, StringComparer.Ordinal),
                new Dictionary<string, DateTimeOffset>(state.Unreadable ?? [], StringComparer.Ordinal))
            {
                _polling = state.Polling,
                _pollFrom = state.Polling ? state.PollFrom : null,
                _pollStartWatermark = state.PollStartWatermark,
                _previousPollStart = state.PreviousPollStart,
                _previousFromBeginning = state.PreviousFromBeginning,
            };
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new FormatException($"The sync cursor's overlap is out of range ({state.Overlap}).", e);
        }
    }

    /// <summary>The stored form. <c>Polling</c>, <c>PollFrom</c> and <c>PollStartWatermark</c> keep a poll that a crash interrupted after a saved page, so it resumes.</summary>
    internal sealed record State(
        int Version,
        TimeSpan Overlap,
        DateTimeOffset? Watermark,
        Dictionary<string, DateTimeOffset> Delivered,
        bool Polling = false,
        DateTimeOffset? PollFrom = null,
        Dictionary<string, DateTimeOffset>? Unreadable = null,
        DateTimeOffset? PollStartWatermark = null,
        DateTimeOffset? PreviousPollStart = null,
        bool PreviousFromBeginning = false);
}

[JsonSerializable(typeof(SyncCursor.State))]
internal sealed partial class SyncCursorJson : JsonSerializerContext;
