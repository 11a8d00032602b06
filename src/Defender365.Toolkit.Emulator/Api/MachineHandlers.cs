using System.Text.Json.Nodes;

namespace Defender365.Toolkit.Emulator.Api;

/// <summary>Defender for Endpoint machines: list with OData, get, tags.</summary>
internal static class MachineHandlers
{
    public static void Register(IDictionary<string, Func<ApiRequest, IResult>> handlers)
    {
        handlers["ListMachines"] = r =>
        {
            lock (r.Data.Gate)
            {
                return r.List(r.Data.Machines, "Machines");
            }
        };
        handlers["GetMachine"] = r =>
        {
            lock (r.Data.Gate)
            {
                return Find(r, r.PathValue("id")) is { } machine ? r.Ok(machine.DeepClone()) : NotFound(r, r.PathValue("id"));
            }
        };
        handlers["AddOrRemoveMachineTag"] = r =>
        {
            lock (r.Data.Gate)
            {
                if (Find(r, r.PathValue("id")) is not { } machine)
                {
                    return NotFound(r, r.PathValue("id"));
                }

                var value = r.BodyString("Value");
                var action = r.BodyString("Action");
                if (value is null || action is not ("Add" or "Remove"))
                {
                    return r.Error(400, "MissingRequiredParameter", "Body needs 'Value' and 'Action' ('Add' or 'Remove'); names are case-sensitive.");
                }

                var tags = (JsonArray)machine["machineTags"]!;
                var existing = tags.FirstOrDefault(t => t!.GetValue<string>() == value);
                if (action == "Add" && existing is null)
                {
                    tags.Add(value);
                }
                else if (action == "Remove" && existing is not null)
                {
                    tags.Remove(existing);
                }

                return r.Ok(machine.DeepClone());
            }
        };
    }

    internal static JsonObject? Find(ApiRequest r, string id) =>
        r.Data.Machines.FirstOrDefault(m => string.Equals(m["id"]!.GetValue<string>(), id, StringComparison.OrdinalIgnoreCase));

    internal static IResult NotFound(ApiRequest r, string id) => r.Error(404, "ResourceNotFound", $"Machine {id} was not found.");
}
