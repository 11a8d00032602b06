using System.Text.Json.Nodes;
using Defender365.Toolkit.Emulator.Data;

namespace Defender365.Toolkit.Emulator.Api;

/// <summary>
/// Machine actions: created Pending by the action endpoints (201), then InProgress and Succeeded as
/// <see cref="EmulatorOptions.MachineActionDuration"/> passes; a second action of the same type while one is running
/// is refused with 400 as the service does; cancel stops it.
/// </summary>
internal static class MachineActionHandlers
{
    private static readonly Dictionary<string, string> ActionTypes = new(StringComparer.Ordinal)
    {
        ["IsolateMachine"] = "Isolate",
        ["UnisolateMachine"] = "Unisolate",
        ["RunAntiVirusScan"] = "RunAntiVirusScan",
        ["RestrictCodeExecution"] = "RestrictCodeExecution",
        ["UnrestrictCodeExecution"] = "UnrestrictCodeExecution",
        ["CollectInvestigationPackage"] = "CollectInvestigationPackage",
        ["StopAndQuarantineFile"] = "StopAndQuarantineFile",
        ["OffboardMachine"] = "Offboard",
        ["RunLiveResponse"] = "LiveResponse",
    };

    public static void Register(IDictionary<string, Func<ApiRequest, IResult>> handlers)
    {
        foreach (var (operation, type) in ActionTypes)
        {
            handlers[operation] = r => Create(r, type);
        }

        handlers["GetMachineAction"] = r =>
        {
            lock (r.Data.Gate)
            {
                return Find(r) is { } record ? r.Ok(Render(r, record)) : NotFound(r);
            }
        };
        handlers["ListMachineActions"] = r =>
        {
            lock (r.Data.Gate)
            {
                return r.List(r.Data.MachineActions.Select(a => Render(r, a)).ToList(), "MachineActions");
            }
        };
        handlers["CancelMachineAction"] = r =>
        {
            lock (r.Data.Gate)
            {
                if (Find(r) is not { } record)
                {
                    return NotFound(r);
                }

                var index = r.Data.MachineActions.IndexOf(record);
                var cancelled = record with { Cancelled = true };
                cancelled.Action["cancellationRequestor"] = r.AppId;
                cancelled.Action["cancellationComment"] = r.BodyString("Comment");
                cancelled.Action["cancellationDateTimeUtc"] = DataSeeder.Iso(r.Now);
                r.Data.MachineActions[index] = cancelled;
                return r.Ok(Render(r, cancelled));
            }
        };
    }

    private static IResult Create(ApiRequest r, string type)
    {
        var comment = r.BodyString("Comment");
        if (comment is null)
        {
            return r.Error(400, "MissingRequiredParameter", "The 'Comment' body parameter is required (names are case-sensitive).");
        }

        lock (r.Data.Gate)
        {
            var machineId = r.PathValue("id");
            if (MachineHandlers.Find(r, machineId) is not { } machine)
            {
                return MachineHandlers.NotFound(r, machineId);
            }

            var running = r.Data.MachineActions.FirstOrDefault(a =>
                a.Action["machineId"]!.GetValue<string>() == machineId && a.Action["type"]!.GetValue<string>() == type && Status(r, a) is "Pending" or "InProgress");
            if (running is not null)
            {
                return r.Error(400, "ActiveRequestAlreadyExists", "Action is already in progress");
            }

            var action = new JsonObject
            {
                ["id"] = Guid.NewGuid().ToString(),
                ["type"] = type,
                ["scope"] = r.BodyString("IsolationType") ?? r.BodyString("ScanType"),
                ["requestor"] = r.AppId,
                ["externalID"] = r.BodyString("ExternalID"),
                ["requestSource"] = "PublicApi",
                ["commands"] = new JsonArray(),
                ["cancellationRequestor"] = null,
                ["requestorComment"] = comment,
                ["cancellationComment"] = null,
                ["status"] = "Pending",
                ["machineId"] = machineId,
                ["computerDnsName"] = machine["computerDnsName"]!.GetValue<string>(),
                ["creationDateTimeUtc"] = DataSeeder.Iso(r.Now),
                ["cancellationDateTimeUtc"] = null,
                ["lastUpdateDateTimeUtc"] = DataSeeder.Iso(r.Now),
                ["title"] = null,
                ["relatedFileInfo"] = null,
                ["errorHResult"] = 0,
            };
            var record = new MachineActionRecord(action, r.Now);
            r.Data.MachineActions.Add(record);
            return r.Ok(Render(r, record));
        }
    }

    private static string Status(ApiRequest r, MachineActionRecord record)
    {
        if (record.Cancelled)
        {
            return "Cancelled";
        }

        var elapsed = r.Now - record.Requested;
        var duration = r.State.Options.MachineActionDuration;
        if (r.State.Faults.MachineActionsStayPending(r.State.Options.Tenants.First(t => t.Matches(r.TenantId))))
        {
            return "Pending";
        }

        return elapsed < duration / 2 ? "Pending" : elapsed < duration ? "InProgress" : "Succeeded";
    }

    private static JsonObject Render(ApiRequest r, MachineActionRecord record)
    {
        var copy = (JsonObject)record.Action.DeepClone();
        var status = Status(r, record);
        copy["status"] = status;
        if (status != "Pending")
        {
            var duration = r.State.Options.MachineActionDuration;
            var changed = status == "Succeeded" ? record.Requested + duration : status == "InProgress" ? record.Requested + (duration / 2) : r.Now;
            copy["lastUpdateDateTimeUtc"] = DataSeeder.Iso(changed);
        }

        return copy;
    }

    private static MachineActionRecord? Find(ApiRequest r) =>
        r.Data.MachineActions.FirstOrDefault(a => string.Equals(a.Action["id"]!.GetValue<string>(), r.PathValue("id"), StringComparison.OrdinalIgnoreCase));

    private static IResult NotFound(ApiRequest r) => r.Error(404, "ResourceNotFound", $"Machine action {r.PathValue("id")} was not found.");
}
