using System.Reflection;
using Defender365.Toolkit.Http;
using Defender365.Toolkit.Tests.Generated;
using Defender365.Toolkit.Tests.Infrastructure;
using Models = Defender365.Toolkit.Tests.Generated.Models;

namespace Defender365.Toolkit.Tests.GeneratedClients;

/// <summary>
/// IDs the service always sends are non-nullable in the generated models (no '!' to pass one on), and a response without
/// one is refused as invalid with the model and property named, not turned into a model holding null.
/// </summary>
public sealed class AlwaysSentPropertyTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    [Fact]
    public void Ids_are_required_and_not_nullable()
    {
        var context = new NullabilityInfoContext();
        foreach (var (type, name) in new[] { (typeof(Models.Machine), "Id"), (typeof(Models.Alert), "Id"), (typeof(Models.Indicator), "Id"), (typeof(Models.GraphIncident), "Id") })
        {
            var property = type.GetProperty(name)!;
            Assert.Equal(NullabilityState.NotNull, context.Create(property).ReadState);
            Assert.NotNull(property.GetCustomAttribute<System.Runtime.CompilerServices.RequiredMemberAttribute>());
        }

        // Value-type IDs are plain values, not Nullable<T>.
        Assert.Equal(typeof(long), typeof(Models.Incident).GetProperty(nameof(Models.Incident.IncidentId))!.PropertyType);
        Assert.Equal(typeof(Guid), typeof(Models.MachineAction).GetProperty(nameof(Models.MachineAction.Id))!.PropertyType);
        // Fields the service may leave out stay nullable.
        Assert.Equal(NullabilityState.Nullable, context.Create(typeof(Models.Machine).GetProperty(nameof(Models.Machine.ComputerDnsName))!).ReadState);
    }

    [Fact]
    public async Task A_machine_without_its_id_is_an_invalid_response_naming_the_model_and_property()
    {
        await using var api = await ScriptedApi.StartAsync(fixture.Emulator.Certificate, (context, n) =>
            ScriptedApi.Json(context, """{"computerDnsName":"ws1.contoso.com","osPlatform":"Windows11"}"""));
        var tenant = new DefenderClient(fixture.CreateInvoker(configure: api.Serve)).ForTenant(EmulatorFixture.AllPermissionsTenantId);

        var error = await Assert.ThrowsAsync<DefenderRequestException>(() => tenant.Machines.GetMachineAsync("m1"));

        Assert.Equal(DefenderRequestFailure.InvalidResponse, error.Failure);
        Assert.Contains("The Machine in the response has no 'id', which the service always sends", error.Message, StringComparison.Ordinal);
        Assert.Contains("GetMachine", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_list_item_without_its_id_fails_the_list_rather_than_yielding_it()
    {
        await using var api = await ScriptedApi.StartAsync(fixture.Emulator.Certificate, (context, n) =>
            ScriptedApi.Json(context, """{"value":[{"incidentId":1,"incidentName":"one"},{"incidentName":"two"}]}"""));
        var tenant = new DefenderClient(fixture.CreateInvoker(configure: api.Serve)).ForTenant(EmulatorFixture.AllPermissionsTenantId);

        var seen = new List<long>();
        var error = await Assert.ThrowsAsync<DefenderRequestException>(async () =>
        {
            await foreach (var incident in tenant.Incidents.ListIncidentsAsync())
            {
                seen.Add(incident.IncidentId);
            }
        });

        Assert.Empty(seen);
        Assert.Equal(DefenderRequestFailure.InvalidResponse, error.Failure);
        Assert.Contains("The Incident in the response has no 'incidentId'", error.Message, StringComparison.Ordinal);
    }
}
