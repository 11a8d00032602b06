using System.Reflection;
using System.Text.Json;
using Defender365.Toolkit.Authentication;
using Defender365.Toolkit.Authorization;
using Defender365.Toolkit.Emulator;
using Defender365.Toolkit.Http;
using Defender365.Toolkit.Tests.Infrastructure;
using Defender365.Toolkit.Tests.Generated;
using Defender365.Toolkit.Tests.Generated.Models;

namespace Defender365.Toolkit.Tests.GeneratedClients;

/// <summary>
/// The clients the generator made from this project's defender-scopes.json, called against the emulator: the typed
/// surface a consumer gets, end to end.
/// </summary>
public sealed class GeneratedClientTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private DefenderTenantClient Tenant(string tenantId = EmulatorOptions.ContosoTenantId) =>
        new DefenderClient(fixture.CreateInvoker()).ForTenant(tenantId);

    [Fact]
    public async Task Lists_incidents_across_pages_each_once()
    {
        var ids = new List<long>();
        var pages = 0;
        await foreach (var page in Tenant().Incidents.ListIncidentsAsync().AsPages(pageSizeHint: 10))
        {
            pages++;
            ids.AddRange(page.Values.Select(i => i.IncidentId));
        }

        Assert.Equal(fixture.Emulator.Options.IncidentsPerTenant, ids.Distinct().Count());
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.True(pages > 1);
    }

    [Fact]
    public async Task Gets_and_updates_an_incident_with_typed_enums()
    {
        var incidents = Tenant().Incidents;
        var updated = await incidents.UpdateIncidentAsync(1010, new UpdateIncidentRequest
        {
            Status = IncidentStatus.InProgress,
            AssignedTo = "analyst@contoso.com",
            Comment = "Triage started",
        });
        Assert.Equal(IncidentStatus.InProgress, updated.Value.Status);

        var read = await incidents.GetIncidentAsync(1010);
        Assert.Equal("analyst@contoso.com", read.Value.AssignedTo);
        Assert.Contains(read.Value.Comments!, c => c.Comment == "Triage started");
        Assert.NotEmpty(read.Value.Alerts!);
    }

    [Fact]
    public async Task Models_hold_the_numbers_the_service_sends_and_a_value_they_cannot_is_an_invalid_response()
    {
        var body = """{"incidentId":1,"alerts":[{"alertId":"a1","devices":[{"mdatpDeviceId":"d1","rbacGroupId":3000000000}]}]}""";
        await using var api = await ScriptedApi.StartAsync(fixture.Emulator.Certificate, (context, n) =>
            ScriptedApi.Json(context, n == 1 ? body : body.Replace("3000000000", "1e400", StringComparison.Ordinal)));
        var tenant = new DefenderClient(fixture.CreateInvoker(configure: api.Serve)).ForTenant(EmulatorFixture.AllPermissionsTenantId);

        var incident = await tenant.Incidents.GetIncidentAsync(1);
        Assert.Equal(3_000_000_000L, incident.Value.Alerts![0].Devices![0].RbacGroupId);

        var error = await Assert.ThrowsAsync<DefenderRequestException>(() => tenant.Incidents.GetIncidentAsync(1));
        Assert.Equal(DefenderRequestFailure.InvalidResponse, error.Failure);
        Assert.Equal("GetIncident", error.OperationId);
        Assert.Equal(EmulatorFixture.AllPermissionsTenantId, error.TenantId);
    }

    [Fact]
    public void A_client_or_credential_of_another_cloud_than_the_manifest_is_an_error_naming_both()
    {
        // This project's manifest declares the Commercial cloud.
        var gcc = fixture.Emulator.CreateClientOptions();
        gcc.Cloud = Toolkit.Catalog.DefenderCloud.GCCHigh;
        var credentialOptions = fixture.Emulator.CreateCredentialOptions("*");
        credentialOptions.Cloud = Toolkit.Catalog.DefenderCloud.GCCHigh;
        var gccCredential = DefenderAppCredential.FromClientSecret(EmulatorOptions.DemoClientId, fixture.Secret, credentialOptions);

        var client = Assert.Throws<ArgumentException>(() => new DefenderClient(new DefenderOperationInvoker(gccCredential, gcc)));
        Assert.Contains("defender-scopes.json declares the Commercial cloud", client.Message, StringComparison.Ordinal);
        Assert.Contains("GCCHigh", client.Message, StringComparison.Ordinal);

        // A credential that signs in to another cloud than the client calls: refused before any token is asked for.
        var credential = Assert.Throws<ArgumentException>(() => new DefenderClient(gccCredential));
        Assert.Contains("signs in to the GCCHigh cloud, but the client calls the Commercial cloud", credential.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Runs_a_hunting_query()
    {
#pragma warning disable DEF5001 // The Defender XDR hunting API works until 2027-02-01, so it is still tested.
        var result = await Tenant().AdvancedHunting.RunAdvancedHuntingQueryAsync(new RunAdvancedHuntingQueryRequest { Query = "DeviceInfo | take 4" });
#pragma warning restore DEF5001
        Assert.Equal(4, result.Value.Results!.Count);
        Assert.Contains(result.Value.Schema!, c => c.Name == "DeviceName");
        Assert.Equal(JsonValueKind.String, result.Value.Results[0]["DeviceName"].ValueKind);
    }

    [Fact]
    public async Task Isolates_a_machine_and_polls_the_action_to_completion()
    {
        var tenant = Tenant();
        Generated.Models.Machine? machine = null;
        await foreach (var m in tenant.Machines.ListMachinesAsync(top: 3))
        {
            machine = m;
        }

        var action = await tenant.MachineActions.IsolateMachineAsync(machine!.Id, new IsolateMachineRequest { Comment = "Contain", IsolationType = IsolationType.Selective });
        Assert.Equal(MachineActionType.Isolate, action.Value.Type);

        var deadline = DateTime.UtcNow.AddSeconds(15);
        MachineActionStatus? status;
        do
        {
            await Task.Delay(100);
            status = (await tenant.MachineActions.GetMachineActionAsync(action.Value.Id.ToString())).Value.Status;
        }
        while (status != MachineActionStatus.Succeeded && DateTime.UtcNow < deadline);

        Assert.Equal(MachineActionStatus.Succeeded, status);
    }

    [Fact]
    public async Task Submits_and_deletes_an_indicator()
    {
        var indicators = Tenant().Indicators;
        var created = await indicators.SubmitIndicatorAsync(new SubmitIndicatorRequest
        {
            IndicatorValue = "evil.example",
            IndicatorType = IndicatorType.DomainName,
            Action = IndicatorAction.Block,
            Title = "Phishing domain",
            Description = "From incident 1010",
        });
        Assert.Equal(IndicatorAction.Block, created.Value.Action);

        var deleted = await indicators.DeleteIndicatorAsync(created.Value.Id);
        Assert.Equal(204, deleted.Status);
    }

    [Fact]
    public async Task Runs_a_hunting_query_through_Microsoft_Graph_the_replacement_of_the_retiring_hunting_APIs()
    {
        var result = await Tenant().GraphSecurity.AdvancedHunting.RunHuntingQueryAsync(new GraphRunHuntingQueryRequest { Query = "DeviceInfo | take 4", Timespan = "P7D" });

        Assert.Equal(4, result.Value.Results!.Count);
        Assert.Contains(result.Value.Schema!, c => c.Name == "DeviceName");
        // Graph spells the envelope in camelCase and sends no statistics.
        using var body = System.Text.Json.JsonDocument.Parse(result.GetRawResponse().Content);
        Assert.True(body.RootElement.TryGetProperty("results", out _));
        Assert.False(body.RootElement.TryGetProperty("Stats", out _));
    }

    [Fact]
    public async Task Graph_alert_evidence_comes_as_its_own_type_and_an_unknown_kind_is_kept_raw_without_failing_the_page()
    {
        var alert = await Tenant(EmulatorFixture.AllPermissionsTenantId).GraphSecurity.Alerts.ListAlertsV2Async(top: 1).FirstAsync();

        var evidence = alert.Evidence!;
        Assert.Equal(3, evidence.Count);
        var device = Assert.IsType<GraphDeviceEvidence>(evidence[0]);
        Assert.False(string.IsNullOrEmpty(device.DeviceDnsName));
        Assert.Equal("suspicious", device.Verdict);
        // The discriminator need not come first.
        var user = Assert.IsType<GraphUserEvidence>(evidence[1]);
        Assert.Equal("#microsoft.graph.security.userEvidence", user.OdataType);
        Assert.True(user.UserAccount!.Value.TryGetProperty("accountName", out _));
        var unknown = Assert.IsType<GraphUnknownEvidence>(evidence[2]);
        Assert.Equal("#microsoft.graph.security.kubernetesPodEvidence", unknown.OdataType);
        Assert.Equal("unknown", unknown.Verdict);
        Assert.Equal("payments-7d9f", unknown.Raw.GetProperty("name").GetString());
    }

    [Fact]
    public void Evidence_that_does_not_read_as_its_type_is_kept_raw_and_written_back_as_it_came()
    {
        // A device whose build number is text: the member does not read, the item is kept, the others are not affected.
        const string json = """
            {
              "id": "da1", "evidence": [
                { "@odata.type": "#microsoft.graph.security.deviceEvidence", "osBuild": "twenty-two", "deviceDnsName": "pc1" },
                { "@odata.type": "#microsoft.graph.security.urlEvidence", "url": "https://contoso.example/a" },
                42
              ]
            }
            """;

        var alert = System.Text.Json.JsonSerializer.Deserialize(json, DefenderJsonContext.GraphAlert)!;

        var odd = Assert.IsType<GraphUnknownEvidence>(alert.Evidence![0]);
        Assert.Equal("#microsoft.graph.security.deviceEvidence", odd.OdataType);
        Assert.Equal("twenty-two", odd.Raw.GetProperty("osBuild").GetString());
        Assert.Equal("https://contoso.example/a", Assert.IsType<GraphUrlEvidence>(alert.Evidence[1]).Url);
        Assert.Equal(System.Text.Json.JsonValueKind.Number, Assert.IsType<GraphUnknownEvidence>(alert.Evidence[2]).Raw.ValueKind);
        var written = System.Text.Json.JsonSerializer.Serialize(alert, DefenderJsonContext.GraphAlert);
        Assert.Contains("\"osBuild\":\"twenty-two\"", written, StringComparison.Ordinal);
        Assert.Contains("\"url\":\"https://contoso.example/a\"", written, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lists_graph_security_incidents_under_GraphSecurity()
    {
        var count = 0;
        await foreach (var incident in Tenant().GraphSecurity.Incidents.ListIncidentsAsync())
        {
            Assert.False(string.IsNullOrEmpty(incident.Id));
            count++;
        }

        Assert.Equal(fixture.Emulator.Options.IncidentsPerTenant, count);
    }

    [Fact]
    public async Task A_tenant_without_the_permission_is_refused_before_sending_and_its_drift_shows_why()
    {
        var northwind = Tenant(EmulatorOptions.NorthwindTenantId);
#pragma warning disable DEF5001 // The Defender XDR hunting API works until 2027-02-01, so it is still tested.
        var error = await Assert.ThrowsAsync<MissingPermissionException>(() => northwind.AdvancedHunting.RunAdvancedHuntingQueryAsync(new RunAdvancedHuntingQueryRequest { Query = "DeviceInfo" }));
#pragma warning restore DEF5001
        Assert.Equal(DefenderPermissions.ThreatProtection.AdvancedHuntingReadAll, error.LeastPrivilegedPermission);

        var drift = await northwind.GetConsentDriftAsync(DefenderPermissions.ThreatProtection.ResourceId);
        Assert.Equal([DefenderPermissions.ThreatProtection.AdvancedHuntingReadAll, DefenderPermissions.ThreatProtection.IncidentReadWriteAll], drift.Missing);
    }

    [Fact]
    public void Generated_methods_carry_the_permission_they_need()
    {
        var attribute = typeof(IncidentsClient).GetMethod(nameof(IncidentsClient.ListIncidentsAsync))!.GetCustomAttribute<RequiresDefenderPermissionAttribute>()!;
        Assert.Equal("MicrosoftThreatProtection", attribute.Resource);
        Assert.Equal(["Incident.Read.All", "Incident.ReadWrite.All"], attribute.AnyOf);
        Assert.Equal("ListIncidents", attribute.Operation);
    }

    [Theory]
    [InlineData("""{"incidentId": 42, "createdTime": 20261202}""", "Incident.createdTime: ")]
    [InlineData("""{"incidentId": 42, "alerts": [{"alertId": "a1", "creationTime": "soon"}]}""", "Incident.alerts.creationTime: 'soon' is not a date")]
    [InlineData("""{"incidentId": 1e30}""", "Incident.incidentId: ")]
    public void A_value_a_model_cannot_take_is_reported_with_the_path_of_its_property(string json, string expected)
    {
        var error = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize(json, DefenderJsonContext.Incident));
        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Enums_keep_values_the_catalog_does_not_know()
    {
        var incident = JsonSerializer.Deserialize("""{"incidentId": "42", "status": "AwaitingAction", "unknownField": {"x": 1}}""", DefenderJsonContext.Incident)!;
        Assert.Equal(42, incident.IncidentId);
        Assert.Equal("AwaitingAction", incident.Status.ToString());
        Assert.NotEqual(IncidentStatus.Active, incident.Status);
        Assert.Equal(IncidentStatus.Active, (IncidentStatus)"active");
        var roundTrip = JsonSerializer.Serialize(incident, DefenderJsonContext.Incident);
        Assert.Contains("\"status\":\"AwaitingAction\"", roundTrip, StringComparison.Ordinal);
    }
}
