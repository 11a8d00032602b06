using Defender365.Toolkit.Authentication;
using Defender365.Toolkit.Authorization;
using Defender365.Toolkit.Catalog;
using Defender365.Toolkit.Documentation;
using Defender365.Toolkit.Emulator;
using Defender365.Toolkit.Http;
using Defender365.Toolkit.Tests.Infrastructure;

namespace Defender365.Toolkit.Tests.Emulator;

/// <summary>
/// Fault profiles: read from JSON with located errors, and each fault answered as the real service answers, seen
/// through the toolkit's client (what a user rehearses against).
/// </summary>
public sealed class FaultProfileTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>, IDisposable
{
    private const string Contoso = EmulatorOptions.ContosoTenantId;
    private static DefenderOperation Op(string id) => DefenderCatalog.Default.GetOperation(id);

    public void Dispose() => fixture.Emulator.Faults.Clear();

    private DefenderOperationInvoker Invoker(string profileJson, Action<DefenderClientOptions>? configure = null)
    {
        fixture.Emulator.Faults.Apply(EmulatorFaultProfile.Parse(profileJson));
        return fixture.CreateInvoker(configure: o =>
        {
            o.Retry.MaxRetries = 1;
            o.Retry.MaxDelay = TimeSpan.FromSeconds(2);
            configure?.Invoke(o);
        });
    }

    [Fact]
    public void A_profile_reads_every_fault_kind_and_its_settings()
    {
        var kinds = Enum.GetValues<EmulatorFaultKind>();
        var rules = string.Join(",", kinds.Select(k => k switch
        {
            EmulatorFaultKind.Quota => """{ "fault": "quota", "perMinute": 45, "perHour": 1500, "operation": "RunAdvancedHuntingQuery" }""",
            EmulatorFaultKind.TokenError => """{ "fault": "tokenError", "error": "AADSTS650052", "tenant": "contoso.onmicrosoft.com" }""",
            _ => $$"""{ "fault": "{{System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(k.ToString())}}", "probability": 0.25, "count": 3, "seconds": 2 }""",
        }));

        var profile = EmulatorFaultProfile.Parse($$"""{ "seed": 7, "consentLagSeconds": 30, "rules": [{{rules}}] }""");

        Assert.Equal(kinds, profile.Rules.Select(r => r.Fault));
        Assert.Equal(7, profile.Seed);
        Assert.Equal(TimeSpan.FromSeconds(30), profile.ConsentLag);
        Assert.Equal(45, profile.Rules.Single(r => r.Fault == EmulatorFaultKind.Quota).PerMinute);
    }

    [Fact]
    public void The_documented_profile_reads_and_shows_every_fault_kind()
    {
        var block = Assert.Single(DocumentationBlocks.CheckedBy(nameof(FaultProfileTests)));

        var profile = EmulatorFaultProfile.Parse(block.Body, block.ToString());

        Assert.Equal(Enum.GetValues<EmulatorFaultKind>().Order(), profile.Rules.Select(r => r.Fault).Order());
        Assert.Equal(TimeSpan.FromMinutes(2), profile.ConsentLag);
    }

    [Theory]
    [InlineData("""{ "rules": [ { "fault": "dropMidBody", "probability": 1.5 } ] }""", "rule 1 (DropMidBody): probability must be between 0 and 1")]
    [InlineData("""{ "rules": [ { "fault": "explode" } ] }""", "at line 1")]
    [InlineData("""{ "rules": [ { "fault": "timeout", "sconds": 3 } ] }""", "at line 1")]
    [InlineData("""{ "rules": [ { "fault": "quota" } ] }""", "a quota needs perMinute, perHour and/or concurrent")]
    [InlineData("""{ "rules": [ { "fault": "serverError", "operation": "NoSuchOperation" } ] }""", "'NoSuchOperation' is not a catalog operation id")]
    [InlineData("""{ "rules": [ { "fault": "tokenError", "error": "AADSTS1" } ] }""", "error must be AADSTS650052")]
    [InlineData("""{ "rules": [ """, "at line 1")]
    public void A_broken_profile_is_a_format_error_that_says_where(string json, string says)
    {
        var error = Assert.Throws<FormatException>(() => EmulatorFaultProfile.Parse(json, "faults.json"));
        Assert.StartsWith("faults.json", error.Message, StringComparison.Ordinal);
        Assert.Contains(says, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_response_dropped_mid_body_surfaces_as_a_network_failure_after_the_retries()
    {
        var invoker = Invoker("""{ "rules": [ { "fault": "dropMidBody", "operation": "ListIncidents" } ] }""");

        var error = await Assert.ThrowsAsync<DefenderRequestException>(async () => await invoker.GetPageableAsync(Op("ListIncidents"), Contoso, null, TestJsonContext.Default.Incident).ToListAsync());

        Assert.Equal(DefenderRequestFailure.Network, error.Failure);
        Assert.Equal(2, error.Attempts);
    }

    [Theory]
    [InlineData("connectionReset")]
    [InlineData("lyingContentLength")]
    [InlineData("serverError")]
    [InlineData("throttleRetryAfter")]
    [InlineData("throttleRetryAfterMs")]
    [InlineData("throttleInBody")]
    public async Task A_fault_on_one_request_is_retried_and_the_list_completes(string fault)
    {
        var start = fixture.Emulator.Statistics.ApiCalls("ListIncidents");
        var clean = await fixture.CreateInvoker().GetPageableAsync(Op("ListIncidents"), Contoso, null, TestJsonContext.Default.Incident).ToListAsync();
        var cleanCalls = fixture.Emulator.Statistics.ApiCalls("ListIncidents") - start;
        var invoker = Invoker($$"""{ "rules": [ { "fault": "{{fault}}", "count": 1, "seconds": 0.2, "operation": "ListIncidents" } ] }""");
        var before = fixture.Emulator.Statistics.ApiCalls("ListIncidents");

        var incidents = await invoker.GetPageableAsync(Op("ListIncidents"), Contoso, null, TestJsonContext.Default.Incident).ToListAsync();

        Assert.Equal(clean.Select(i => i.IncidentId), incidents.Select(i => i.IncidentId));
        Assert.Equal(fixture.Emulator.Options.IncidentsPerTenant, incidents.Select(i => i.IncidentId).Distinct().Count());
        Assert.Equal(cleanCalls + 1, fixture.Emulator.Statistics.ApiCalls("ListIncidents") - before);
    }

    [Fact]
    public async Task A_stalled_body_and_a_held_answer_end_in_the_clients_timeout_and_are_retried()
    {
        var invoker = Invoker(
            """{ "rules": [ { "fault": "stallBody", "count": 1, "seconds": 60, "operation": "ListMachines" }, { "fault": "timeout", "count": 1, "seconds": 60, "operation": "ListMachines" } ] }""",
            o =>
            {
                o.Retry.MaxRetries = 2;
                // Far below the faults' 60 s, far above a clean answer on a loaded machine (0.5 s was not, once).
                o.Retry.NetworkTimeout = TimeSpan.FromSeconds(3);
            });

        var machines = await invoker.GetPageableAsync(Op("ListMachines"), Contoso, null, TestJsonContext.Default.Machine).ToListAsync();

        Assert.NotEmpty(machines);
    }

    [Fact]
    public async Task A_per_tenant_quota_answers_429_naming_the_window_once_spent()
    {
        var invoker = Invoker("""{ "rules": [ { "fault": "quota", "operation": "ListMachines", "perMinute": 2 } ] }""", o => o.Retry.MaxRetries = 0);
        await invoker.SendAsync(Op("ListMachines"), Contoso);
        await invoker.SendAsync(Op("ListMachines"), Contoso);

        var error = await Assert.ThrowsAsync<DefenderRequestException>(() => invoker.SendAsync(Op("ListMachines"), Contoso));
        // Another tenant has its own allowance.
        await invoker.SendAsync(Op("ListMachines"), EmulatorFixture.AllPermissionsTenantId);

        Assert.Equal(429, error.Status);
        Assert.Contains("maximum allowed 2 per 00:01:00", error.ServiceMessage, StringComparison.Ordinal);
        Assert.InRange(error.RetryAfter!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task Service_errors_come_in_the_services_shapes()
    {
        var invoker = Invoker($$"""
            { "rules": [
              { "fault": "disabledFeature", "operation": "ListMachines" },
              { "fault": "tokenError", "tenant": "{{EmulatorFixture.AllPermissionsTenantId}}", "error": "AADSTS650052" }
            ] }
            """);

        var disabled = await Assert.ThrowsAsync<DefenderRequestException>(() => invoker.SendAsync(Op("ListMachines"), Contoso));
        Assert.Equal(403, disabled.Status);
        Assert.Equal("DisabledFeature", disabled.ErrorCode);

        var noServicePrincipal = await Assert.ThrowsAsync<DefenderConsentRequiredException>(() => invoker.SendAsync(Op("ListIncidents"), EmulatorFixture.AllPermissionsTenantId));
        Assert.Equal(DefenderAuthenticationFailure.ApiNotProvisioned, noServicePrincipal.Failure);
        Assert.Contains("650052", noServicePrincipal.ErrorCodes);
    }

    [Fact]
    public async Task A_next_link_that_leads_back_stops_paging_as_stalled()
    {
        var invoker = Invoker("""{ "rules": [ { "fault": "repeatNextLink", "operation": "GraphSecurity.ListIncidents" } ] }""");

        var error = await Assert.ThrowsAsync<DefenderRequestException>(async () =>
            await invoker.GetPageableAsync(Op("GraphSecurity.ListIncidents"), Contoso, null, TestJsonContext.Default.GraphIncident).AsPages(pageSizeHint: 10).ToListAsync());

        Assert.Equal(DefenderRequestFailure.PagingStalled, error.Failure);
    }

    [Fact]
    public async Task Consent_shows_in_new_tokens_only_after_the_lag()
    {
        var invoker = Invoker("""{ "consentLagSeconds": 3, "rules": [] }""", o => o.TokenRefreshInterval = TimeSpan.Zero);
        var tenant = fixture.Emulator.Options.Tenants.Single(t => t.TenantId == EmulatorOptions.NorthwindTenantId);
        var hunt = new DefenderRequestArguments { Body = BinaryData.FromString("""{"Query":"DeviceInfo | take 1"}""") };
        await Assert.ThrowsAsync<MissingPermissionException>(() => invoker.SendAsync(Op("RunAdvancedHuntingQuery"), EmulatorOptions.NorthwindTenantId, hunt));

        fixture.Emulator.Faults.GrantConsent(tenant, EmulatorOptions.DemoClientId, DefenderResourceIds.ThreatProtection, "AdvancedHunting.Read.All");
        try
        {
            // Granted, but not yet in new tokens.
            await Assert.ThrowsAsync<MissingPermissionException>(() => invoker.SendAsync(Op("RunAdvancedHuntingQuery"), EmulatorOptions.NorthwindTenantId, hunt));
            await Task.Delay(TimeSpan.FromSeconds(3.2));
            var response = await invoker.SendAsync(Op("RunAdvancedHuntingQuery"), EmulatorOptions.NorthwindTenantId, hunt);
            Assert.Equal(200, response.Status);
        }
        finally
        {
            fixture.Emulator.Faults.RevokeConsent(tenant, EmulatorOptions.DemoClientId, DefenderResourceIds.ThreatProtection, "AdvancedHunting.Read.All");
        }
    }

    [Fact]
    public async Task Machine_actions_can_be_made_to_stay_pending()
    {
        var invoker = Invoker("""{ "rules": [ { "fault": "pendingMachineActions" } ] }""");
        var machines = await invoker.GetPageableAsync(Op("ListMachines"), Contoso, null, TestJsonContext.Default.Machine).ToListAsync();
        var isolate = new DefenderRequestArguments { Body = BinaryData.FromString("""{"Comment":"rehearsal","IsolationType":"Full"}""") };
        isolate.Path["id"] = machines[^1].Id;

        var action = System.Text.Json.JsonSerializer.Deserialize(
            (await invoker.SendAsync(Op("IsolateMachine"), Contoso, isolate)).Content.ToMemory().Span, TestJsonContext.Default.MachineAction)!;
        await Task.Delay(fixture.Emulator.Options.MachineActionDuration + TimeSpan.FromMilliseconds(200));
        var get = new DefenderRequestArguments();
        get.Path["id"] = action.Id;
        var later = System.Text.Json.JsonSerializer.Deserialize((await invoker.SendAsync(Op("GetMachineAction"), Contoso, get)).Content.ToMemory().Span, TestJsonContext.Default.MachineAction)!;

        Assert.Equal("Pending", later.Status);
    }

    [Fact]
    public void A_call_refused_for_concurrency_is_answered_as_such_even_when_a_slot_frees_before_the_answer()
    {
        // The race a busy run met: the refusal is decided, a request in flight ends, then the answer is made. It must
        // still say "too many concurrent requests" (wait 1 s), never a spent window of 0 calls an hour.
        var rule = new EmulatorFaultRule { Fault = EmulatorFaultKind.Quota, Operation = "GraphSecurity.ListSecureScores", Concurrent = 1 };
        var faults = fixture.Emulator.Faults;
        faults.Apply(new EmulatorFaultProfile { Rules = { rule } });
        var tenant = fixture.Emulator.Options.Tenants.First(t => t.Matches(Contoso));

        Assert.Null(faults.NextApiFault("GraphSecurity.ListSecureScores", tenant, out var held));
        Assert.Same(rule, faults.NextApiFault("GraphSecurity.ListSecureScores", tenant, out var refused));
        Assert.Null(refused);
        held!.Dispose();

        Assert.Equal((1, TimeSpan.Zero, TimeSpan.FromSeconds(1)), faults.QuotaState(rule, tenant.TenantId));
    }
}
