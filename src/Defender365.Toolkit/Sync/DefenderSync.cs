using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Defender365.Toolkit.Catalog;
using Defender365.Toolkit.Diagnostics;
using Defender365.Toolkit.Http;
using Defender365.Toolkit.Serialization;

namespace Defender365.Toolkit.Sync;

/// <summary>
/// The incremental sync of one changing collection (alerts, incidents) of one tenant: each poll delivers every change
/// since the last poll, once, and keeps its place in a store. Get one from a generated <c>Sync…</c> method
/// (<c>tenant.GraphSecurity.Incidents.SyncIncidents(store)</c>) and call <see cref="PollAsync"/> on a schedule.
/// </summary>
/// <remarks>
/// <para>The guarantee: every change that becomes visible within <see cref="DefenderSyncOptions.Overlap"/> of the newest
/// change delivered is delivered, and each version (id, change time) is delivered once, except that a crash (or a
/// handler that throws) delivers again what was delivered since the last saved page: at-least-once, with
/// <see cref="DefenderSyncItem{T}.Id"/> to store items idempotently.</para>
/// <para>How: a poll asks for the items changed at or after the watermark minus the overlap, reads every page, and
/// lets through the versions its cursor has not delivered; the cursor is saved after each page, once the handler has
/// taken the page's items. An item that cannot be read is delivered quarantined, with its raw JSON and the reason,
/// and the page goes on.</para>
/// <para>A poll holds the store's lease on its cursor, so instances sharing a store never poll one tenant's collection
/// at once; a poll that finds the lease held returns at once with <see cref="DefenderSyncPoll.LeaseHeldElsewhere"/>.</para>
/// </remarks>
/// <typeparam name="T">The item model.</typeparam>
public class DefenderSync<T>
{
    // How far ahead of this machine's clock a change time may carry the watermark: the clocks' skew, with room.
    private static readonly TimeSpan FutureTolerance = TimeSpan.FromMinutes(5);

    private readonly DefenderOperationInvoker _invoker;
    private readonly DefenderOperation _operation;
    private readonly DefenderChangeTracking _tracking;
    private readonly JsonTypeInfo<T> _itemType;
    private readonly IDefenderSyncStore _store;
    private readonly DefenderSyncOptions _options;

    /// <summary>For mocking.</summary>
    protected DefenderSync()
    {
        _invoker = null!;
        _operation = null!;
        _tracking = null!;
        _itemType = null!;
        _store = null!;
        _options = null!;
    }

    internal DefenderSync(DefenderOperationInvoker invoker, DefenderOperation operation, string tenantId, JsonTypeInfo<T> itemType, IDefenderSyncStore store, DefenderSyncOptions? options)
    {
        _invoker = invoker;
        _operation = operation;
        _tracking = operation.ChangeTracking ?? throw new ArgumentException($"{operation.Id} cannot be synced incrementally: the catalog names no change time for it.", nameof(operation));
        _itemType = itemType;
        _store = store;
        _options = options ?? new DefenderSyncOptions();
        Key = new DefenderSyncKey(tenantId, operation.Id);
    }

    /// <summary>The tenant and collection this sync follows.</summary>
    public virtual DefenderSyncKey Key { get; }

    /// <summary>
    /// Polls once: reads every change since the last poll and hands each to <paramref name="handler"/>, one at a time,
    /// saving the cursor after each page the handler has finished.
    /// </summary>
    /// <param name="handler">Takes one change; store it under its <see cref="DefenderSyncItem{T}.Id"/>. If it throws, the poll stops and the page is delivered again next time.</param>
    /// <param name="cancellationToken">Cancels the poll; what was saved stays.</param>
    /// <returns>What the poll did.</returns>
    /// <exception cref="Http.DefenderRequestException">A page failed after the retries the service allows; the next poll resumes from the last saved page.</exception>
    /// <exception cref="Authorization.MissingPermissionException">The tenant's token lacks the list's permission.</exception>
    /// <exception cref="Authentication.DefenderAuthenticationException">No token for the tenant.</exception>
    /// <exception cref="InvalidDataException">The stored cursor is damaged; it is never replaced silently by a fresh start.</exception>
    /// <exception cref="DefenderSyncLeaseLostException">The lease expired while the handler worked and another poll took it.</exception>
    public virtual Task<DefenderSyncPoll> PollAsync(Func<DefenderSyncItem<T>, CancellationToken, ValueTask> handler, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return PollCoreAsync(
            async (items, token) =>
            {
                foreach (var item in items)
                {
                    await handler(item, token).ConfigureAwait(false);
                }
            },
            cancellationToken);
    }

    /// <summary>
    /// Polls once, handing over the changes of each page together: to store them in one transaction, or write and
    /// flush them once, before the cursor is saved. Pages without changes are not handed over.
    /// </summary>
    /// <param name="handler">Takes one page's changes. If it throws, the poll stops and the page is delivered again next time.</param>
    /// <param name="cancellationToken">Cancels the poll; what was saved stays.</param>
    /// <returns>What the poll did.</returns>
    /// <exception cref="Http.DefenderRequestException">A page failed after the retries the service allows; the next poll resumes from the last saved page.</exception>
    /// <exception cref="Authorization.MissingPermissionException">The tenant's token lacks the list's permission.</exception>
    /// <exception cref="Authentication.DefenderAuthenticationException">No token for the tenant.</exception>
    /// <exception cref="InvalidDataException">The stored cursor is damaged; it is never replaced silently by a fresh start.</exception>
    /// <exception cref="DefenderSyncLeaseLostException">The lease expired while the handler worked and another poll took it.</exception>
    public virtual Task<DefenderSyncPoll> PollPagesAsync(Func<IReadOnlyList<DefenderSyncItem<T>>, CancellationToken, ValueTask> handler, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return PollCoreAsync(handler, cancellationToken);
    }

    private async Task<DefenderSyncPoll> PollCoreAsync(Func<IReadOnlyList<DefenderSyncItem<T>>, CancellationToken, ValueTask> handler, CancellationToken cancellationToken)
    {
        using var activity = DefenderTelemetry.Source.StartActivity("Defender365 sync", ActivityKind.Internal);
        activity?.SetTag("tenant", Key.TenantId);
        activity?.SetTag("operation", Key.Collection);

        var session = await _store.TryOpenAsync(Key, _options.LeaseDuration, cancellationToken).ConfigureAwait(false);
        if (session is null)
        {
            activity?.SetTag("skipped", "lease-held");
            return new DefenderSyncPoll(Key, 0, 0, 0, null, LeaseHeldElsewhere: true);
        }

        await using (session.ConfigureAwait(false))
        {
            var cursor = ReadCursor(session.Cursor);
            var arguments = new DefenderRequestArguments { Filter = Filter(cursor.StartPoll()) };
            var pageable = new DefenderPageable<JsonElement>(_invoker, _operation, Key.TenantId, arguments, DefenderJson.JsonElementTypeInfo, cancellationToken);
            int delivered = 0, quarantined = 0, pages = 0;
            await foreach (var page in pageable.AsPages(null, _options.PageSize).WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                pages++;
                var changes = new List<DefenderSyncItem<T>>(page.Values.Count);
                foreach (var raw in page.Values)
                {
                    if (Read(raw, cursor) is { } item)
                    {
                        changes.Add(item);
                        quarantined += item.IsQuarantined ? 1 : 0;
                    }
                }

                // A page that changed nothing leaves the cursor as stored: no write (the second poll re-reads everything).
                if (changes.Count > 0)
                {
                    await handler(changes, cancellationToken).ConfigureAwait(false);
                    delivered += changes.Count;
                    await session.SaveAsync(cursor.ToJson(), cancellationToken).ConfigureAwait(false);
                }
            }

            cursor.CompletePoll();
            await session.SaveAsync(cursor.ToJson(), cancellationToken).ConfigureAwait(false);
            activity?.SetTag("delivered", delivered);
            return new DefenderSyncPoll(Key, delivered, quarantined, pages, cursor.Watermark, LeaseHeldElsewhere: false);
        }
    }

    private SyncCursor ReadCursor(string? stored)
    {
        if (stored is null)
        {
            return new SyncCursor(_options.Overlap);
        }

        try
        {
            return SyncCursor.FromJson(stored);
        }
        catch (FormatException e)
        {
            throw new InvalidDataException($"The stored sync cursor of {Key} is damaged: {e.Message} Remove it from the store to sync that collection from the beginning.", e);
        }
    }

    /// <summary>The change-time condition (whole seconds, rounded down: the overlap covers the rest), and the caller's filter.</summary>
    private string? Filter(DateTimeOffset? from)
    {
        if (from is not { } time)
        {
            return _options.Filter;
        }

        var utc = time.UtcTicks - (time.UtcTicks % TimeSpan.TicksPerSecond);
        var condition = $"{_tracking.ChangedAtField} ge {new DateTime(utc, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}";
        return string.IsNullOrWhiteSpace(_options.Filter) ? condition : $"({_options.Filter}) and {condition}";
    }

    /// <summary>The item as a change to deliver, or null when its version was delivered already.</summary>
    private DefenderSyncItem<T>? Read(JsonElement raw, SyncCursor cursor)
    {
        var id = raw.ValueKind == JsonValueKind.Object && raw.TryGetProperty(_tracking.KeyField, out var key)
            ? key.ValueKind switch
            {
                JsonValueKind.String when key.GetString() is { Length: > 0 } text => text,
                JsonValueKind.Number => key.GetRawText(),
                _ => null,
            }
            : null;
        DateTimeOffset? changedAt = raw.ValueKind == JsonValueKind.Object && raw.TryGetProperty(_tracking.ChangedAtField, out var changed)
            && changed.ValueKind == JsonValueKind.String
            && DateTimeOffset.TryParse(changed.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : null;

        if (id is null || changedAt is null)
        {
            var reason = raw.ValueKind != JsonValueKind.Object ? $"the item is a JSON {raw.ValueKind}, not an object"
                : id is null ? $"the item has no readable '{_tracking.KeyField}'"
                : $"the item has no readable '{_tracking.ChangedAtField}'";
            return cursor.TryDeliverUnreadable(Fingerprint(raw)) ? new DefenderSyncItem<T>(Key.TenantId, id, changedAt, default, reason, raw) : null;
        }

        if (!cursor.TryDeliver(id, changedAt.Value, (_options.TimeProvider ?? _invoker.Options.TimeProvider).GetUtcNow() + FutureTolerance))
        {
            return null;
        }

        try
        {
            return raw.Deserialize(_itemType) is { } value
                ? new DefenderSyncItem<T>(Key.TenantId, id, changedAt, value, null, raw)
                : new DefenderSyncItem<T>(Key.TenantId, id, changedAt, default, "the item reads as null", raw);
        }
        catch (Exception e) when (e is JsonException or FormatException or OverflowException or InvalidOperationException or NotSupportedException)
        {
            return new DefenderSyncItem<T>(Key.TenantId, id, changedAt, default, e.Message, raw);
        }
    }

    private static string Fingerprint(JsonElement raw) =>
        Convert.ToHexString(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(raw.GetRawText())).AsSpan(0, 16));
}
