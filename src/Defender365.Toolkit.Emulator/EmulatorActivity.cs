using System.Globalization;
using System.Text.Json.Nodes;
using Defender365.Toolkit.Emulator.Data;

namespace Defender365.Toolkit.Emulator;

/// <summary>What changed in the emulator's data: an incident or an alert, and its new last-change time.</summary>
/// <param name="Kind">An incident (XDR <c>incidentId</c>, Graph incident <c>id</c>) or an alert (MDE and Graph alert <c>id</c>).</param>
/// <param name="Id">The item's id as text.</param>
/// <param name="ChangedAt">The item's new <c>lastUpdateTime</c> (<c>lastUpdateDateTime</c> on Graph).</param>
/// <param name="IndexedAt">When lists start to show the change (later than <paramref name="ChangedAt"/> for a lagging index).</param>
public readonly record struct EmulatorChange(EmulatorChangeKind Kind, string Id, DateTimeOffset ChangedAt, DateTimeOffset IndexedAt);

/// <summary>The kinds of items the emulator changes over time.</summary>
public enum EmulatorChangeKind
{
    /// <summary>An incident: XDR <c>ListIncidents</c> and Graph <c>ListIncidents</c>.</summary>
    Incident,

    /// <summary>An alert: MDE <c>ListAlerts</c> and Graph <c>ListAlertsV2</c>.</summary>
    Alert,
}

/// <summary>
/// Changes the emulator's incidents and alerts, as a live tenant does, so an incremental sync can be tested: new and
/// updated items, several sharing one change time (whole seconds by default), changes that lists show only after an
/// indexing delay, and items a reader cannot read. Tests call it between polls or while a poll walks its pages;
/// <see cref="EmulatorOptions.ChangeInterval"/> calls <see cref="Tick"/> on a schedule.
/// </summary>
/// <remarks>
/// A changed item moves to the end of its list (the lists are in the order items last changed), which is the hard case
/// for a reader paging by offset: the items after it move one place up, onto a page already read.
/// </remarks>
public sealed class EmulatorActivity
{
    private readonly DataStore _data;
    private readonly EmulatorOptions _options;
    private readonly Random _random;
    private readonly object _randomGate = new();

    internal EmulatorActivity(DataStore data, EmulatorOptions options)
    {
        _data = data;
        _options = options;
        _random = new Random(options.Seed);
    }

    /// <summary>Creates incidents, each with one to three alerts, changed (and created) at <paramref name="changedAt"/>.</summary>
    /// <param name="tenantId">The tenant (its GUID).</param>
    /// <param name="count">How many.</param>
    /// <param name="changedAt">Their change time; default: now, in whole seconds, so the items of one call share it.</param>
    /// <param name="indexingDelay">How long after <paramref name="changedAt"/> lists start to show them.</param>
    /// <returns>One change per incident and per alert.</returns>
    public IReadOnlyList<EmulatorChange> CreateIncidents(string tenantId, int count, DateTimeOffset? changedAt = null, TimeSpan indexingDelay = default) =>
        Change(tenantId, count, changedAt, indexingDelay, (data, at, random, changes) =>
        {
            var nextId = data.Incidents.Count == 0 ? 1000L : data.Incidents.Max(i => i["incidentId"]!.GetValue<long>()) + 1;
            var incident = DataSeeder.AddIncident(data, tenantId, nextId, at, random);
            data.Incidents.Remove(incident);
            Touch(data, data.Incidents, incident, "lastUpdateTime", at, indexingDelay);
            incident["createdTime"] = DataSeeder.Iso(at);
            changes.Add(new EmulatorChange(EmulatorChangeKind.Incident, nextId.ToString(CultureInfo.InvariantCulture), at, at + indexingDelay));
            foreach (var alert in data.Alerts.Where(a => a["incidentId"]?.GetValue<long>() == nextId).ToList())
            {
                alert["alertCreationTime"] = DataSeeder.Iso(at);
                Touch(data, data.Alerts, alert, "lastUpdateTime", at, indexingDelay);
                changes.Add(new EmulatorChange(EmulatorChangeKind.Alert, alert["id"]!.GetValue<string>(), at, at + indexingDelay));
            }
        });

    /// <summary>Updates random incidents (status, assignee): their change time becomes <paramref name="changedAt"/>.</summary>
    /// <inheritdoc cref="CreateIncidents"/>
    public IReadOnlyList<EmulatorChange> UpdateIncidents(string tenantId, int count, DateTimeOffset? changedAt = null, TimeSpan indexingDelay = default) =>
        Change(tenantId, count, changedAt, indexingDelay, (data, at, random, changes) =>
        {
            if (data.Incidents.Count == 0)
            {
                return;
            }

            var incident = data.Incidents[random.Next(data.Incidents.Count)];
            incident["status"] = random.Next(3) switch { 0 => "Active", 1 => "InProgress", _ => "Resolved" };
            incident["assignedTo"] = random.Next(2) == 0 ? null : "tier1@fabrikam.com";
            Touch(data, data.Incidents, incident, "lastUpdateTime", at, indexingDelay);
            changes.Add(new EmulatorChange(EmulatorChangeKind.Incident, incident["incidentId"]!.GetValue<long>().ToString(CultureInfo.InvariantCulture), at, at + indexingDelay));
        });

    /// <summary>Updates random alerts (status, assignee): their change time becomes <paramref name="changedAt"/>.</summary>
    /// <inheritdoc cref="CreateIncidents"/>
    public IReadOnlyList<EmulatorChange> UpdateAlerts(string tenantId, int count, DateTimeOffset? changedAt = null, TimeSpan indexingDelay = default) =>
        Change(tenantId, count, changedAt, indexingDelay, (data, at, random, changes) =>
        {
            if (data.Alerts.Count == 0)
            {
                return;
            }

            var alert = data.Alerts[random.Next(data.Alerts.Count)];
            alert["status"] = random.Next(3) switch { 0 => "New", 1 => "InProgress", _ => "Resolved" };
            alert["assignedTo"] = random.Next(2) == 0 ? null : "tier1@fabrikam.com";
            Touch(data, data.Alerts, alert, "lastUpdateTime", at, indexingDelay);
            changes.Add(new EmulatorChange(EmulatorChangeKind.Alert, alert["id"]!.GetValue<string>(), at, at + indexingDelay));
        });

    /// <summary>
    /// Sets one field of an item to any JSON (a value its reader cannot take: a number where a date belongs, a number
    /// beyond 64 bits) and changes the item at <paramref name="changedAt"/>, so a sync meets it.
    /// </summary>
    /// <param name="tenantId">The tenant (its GUID).</param>
    /// <param name="kind">Incident or alert (the XDR and MDE shape; the Graph shape is made from it).</param>
    /// <param name="id">The item's id.</param>
    /// <param name="field">The field's wire name in the XDR or MDE shape.</param>
    /// <param name="value">The JSON to put there.</param>
    /// <param name="changedAt">Its change time; default: now, in whole seconds.</param>
    /// <exception cref="KeyNotFoundException">No such item.</exception>
    public EmulatorChange SetField(string tenantId, EmulatorChangeKind kind, string id, string field, JsonNode? value, DateTimeOffset? changedAt = null)
    {
        var data = _data.For(tenantId);
        var at = changedAt ?? Now();
        lock (data.Gate)
        {
            var (list, key) = kind == EmulatorChangeKind.Incident ? (data.Incidents, "incidentId") : (data.Alerts, "id");
            var item = list.FirstOrDefault(i => string.Equals(i[key]?.ToString(), id, StringComparison.OrdinalIgnoreCase))
                ?? throw new KeyNotFoundException($"No {kind.ToString().ToLowerInvariant()} '{id}' in tenant {tenantId}.");
            item[field] = value;
            Touch(data, list, item, "lastUpdateTime", at, TimeSpan.Zero);
            return new EmulatorChange(kind, id, at, at);
        }
    }

    /// <summary>
    /// One round of a live tenant's activity in every tenant with data: an incident created, two incidents and three
    /// alerts updated, all at one change time. <see cref="EmulatorOptions.ChangeInterval"/> runs it on a schedule.
    /// </summary>
    public IReadOnlyList<EmulatorChange> Tick()
    {
        var at = Now();
        var changes = new List<EmulatorChange>();
        foreach (var tenant in _data.Seeded.ToList())
        {
            changes.AddRange(CreateIncidents(tenant, 1, at));
            changes.AddRange(UpdateIncidents(tenant, 2, at));
            changes.AddRange(UpdateAlerts(tenant, 3, at));
        }

        return changes;
    }

    private IReadOnlyList<EmulatorChange> Change(string tenantId, int count, DateTimeOffset? changedAt, TimeSpan indexingDelay, Action<TenantData, DateTimeOffset, Random, List<EmulatorChange>> change)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(indexingDelay, TimeSpan.Zero);
        var data = _data.For(tenantId);
        var at = changedAt ?? Now();
        var changes = new List<EmulatorChange>();
        lock (data.Gate)
        {
            lock (_randomGate)
            {
                for (var i = 0; i < count; i++)
                {
                    change(data, at, _random, changes);
                }
            }
        }

        return changes;
    }

    /// <summary>Gives the item its new change time and moves it to the end of its list; hides it from lists for the delay.</summary>
    private static void Touch(TenantData data, List<JsonObject> list, JsonObject item, string field, DateTimeOffset at, TimeSpan indexingDelay)
    {
        item[field] = DataSeeder.Iso(at);
        list.Remove(item);
        list.Add(item);
        if (indexingDelay > TimeSpan.Zero)
        {
            data.IndexedAt[item] = at + indexingDelay;
        }
        else
        {
            data.IndexedAt.Remove(item);
        }
    }

    private DateTimeOffset Now()
    {
        var now = _options.TimeProvider.GetUtcNow();
        return new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
    }
}
