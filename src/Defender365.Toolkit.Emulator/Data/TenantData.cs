using System.Text.Json.Nodes;

namespace Defender365.Toolkit.Emulator.Data;

/// <summary>
/// One tenant's Defender data, as JSON objects in the APIs' own shape (so filtering and serialization need no mapping).
/// Guarded by <see cref="Gate"/>: handlers lock it while they read or change the lists.
/// </summary>
internal sealed class TenantData
{
    public object Gate { get; } = new();

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
}

/// <summary>A machine action and when it was requested; its status is derived from elapsed time when read.</summary>
internal sealed record MachineActionRecord(JsonObject Action, DateTimeOffset Requested, bool Cancelled = false);
