using System.Text.Json.Nodes;

namespace Defender365.Toolkit.Emulator.Data;

/// <summary>
/// One tenant's Defender data, as JSON objects in the APIs' own shape (so filtering and serialization need no mapping).
/// Guarded by <see cref="Gate"/>: handlers lock it while they read or change the lists.
/// </summary>
internal sealed class TenantData
{
    public object Gate { get; } = new();

    /// <summary>
    /// Changes not yet indexed: the item (by reference) and when lists start to show it. A list omits it until then, as
    /// a search index that lags behind the store.
    /// </summary>
    public Dictionary<JsonObject, DateTimeOffset> IndexedAt { get; } = new(ReferenceEqualityComparer.Instance);

    /// <summary>The items a list shows at <paramref name="now"/>: all but those not yet indexed.</summary>
    public IEnumerable<JsonObject> Listed(List<JsonObject> items, DateTimeOffset now) =>
        IndexedAt.Count == 0 ? items : items.Where(i => !IndexedAt.TryGetValue(i, out var at) || at <= now);

    /// <summary>Defender XDR incidents, each with its alerts.</summary>
    public List<JsonObject> Incidents { get; } = [];

    /// <summary>Defender for Endpoint alerts.</summary>
    public List<JsonObject> Alerts { get; } = [];

    public List<JsonObject> Machines { get; } = [];

    public List<MachineActionRecord> MachineActions { get; } = [];

    public List<JsonObject> Indicators { get; } = [];

    public long NextIndicatorId { get; set; } = 1000;

    /// <summary>The live response library: what <c>UploadLibraryFile</c> stored, as <c>LibraryFile</c> objects.</summary>
    public List<JsonObject> LibraryFiles { get; } = [];

    /// <summary>Custom detection rules (Graph <c>detectionRule</c> objects).</summary>
    public List<JsonObject> DetectionRules { get; } = [];

    public long NextDetectionRuleId { get; set; } = 100;

    /// <summary>
    /// The Secure Score controls' state changes made in this tenant, by control ID (the control profiles themselves are
    /// Microsoft's, the same in every tenant; see <see cref="GraphSecuritySeeder.ControlProfiles"/>).
    /// </summary>
    public Dictionary<string, JsonArray> ControlStateUpdates { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Defender for Identity sensors (Graph <c>sensor</c> objects).</summary>
    public List<JsonObject> IdentitySensors { get; } = [];

    /// <summary>Defender for Identity health issues (Graph <c>healthIssue</c> objects).</summary>
    public List<JsonObject> IdentityHealthIssues { get; } = [];

    /// <summary>What this tenant's Secure Score history is computed from, day by day, when it is read (not stored: 90 days of it per tenant would dwarf the rest).</summary>
    public SecureScoreProfile SecureScore { get; set; } = new(0, 0, 0, 0);
}

/// <summary>A tenant's Secure Score starting point: a seed for the daily drift, the share of each control achieved, and the user counts.</summary>
internal sealed record SecureScoreProfile(int Seed, double Achieved, int ActiveUsers, int LicensedUsers);

/// <summary>A machine action and when it was requested; its status is derived from elapsed time when read.</summary>
internal sealed record MachineActionRecord(JsonObject Action, DateTimeOffset Requested, bool Cancelled = false);
