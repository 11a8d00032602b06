using System.Diagnostics;
using System.Text.Json;
using Defender365.Toolkit.Authorization;
using Defender365.Toolkit.Catalog;
using Defender365.Toolkit.Emulator;
using Defender365.Toolkit.Http;
using Defender365.Toolkit.Tests.Infrastructure;

namespace Defender365.Toolkit.Tests.Http;

/// <summary>The operation invoker end to end: real HTTPS to the emulator, real MSAL tokens, real role checks.</summary>
public sealed class InvokerTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private const string Contoso = EmulatorOptions.ContosoTenantId;
    private const string Northwind = EmulatorOptions.NorthwindTenantId;
    private static readonly DefenderCatalog Catalog = DefenderCatalog.Default;

    private static DefenderOperation Op(string id) => Catalog.GetOperation(id);

    private static BinaryData Json(object body) => BinaryData.FromString(JsonSerializer.Serialize(body));

    private int Calls(string operationId) => fixture.Emulator.Statistics.ApiCalls(operationId);

    [Fact]
    public async Task The_invoker_copies_its_options_and_never_writes_into_them()
    {
        var options = fixture.Emulator.CreateClientOptions();
        var counting = new CountingPolicy();
        options.AddPolicy(counting, Azure.Core.HttpPipelinePosition.PerCall);
        var invoker = new DefenderOperationInvoker(fixture.CreateCredential(), options);

        // Nothing of the invoker's leaks into the caller's options, and nothing the caller changes later reaches it.
        Assert.Null(options.RetryPolicy);
        Assert.IsType<DefenderRetryPolicy>(invoker.Options.RetryPolicy);
        options.ValidatePermissions = false;
        options.Endpoints.Clear();
        Assert.True(invoker.Options.ValidatePermissions);
        Assert.NotEmpty(invoker.Options.Endpoints);

        // A policy added to the options runs in the invoker's pipeline.
        await invoker.SendAsync(Op("ListMachines"), Contoso);
        Assert.Equal(1, counting.Calls);
    }

    private sealed class CountingPolicy : Azure.Core.Pipeline.HttpPipelineSynchronousPolicy
    {
        private int _calls;

        public int Calls => _calls;

        public override void OnSendingRequest(Azure.Core.HttpMessage message) => Interlocked.Increment(ref _calls);
    }

    [Fact]
    public async Task Paging_over_top_and_skip_returns_every_incident_exactly_once()
    {
        var invoker = fixture.CreateInvoker();
        var before = Calls("ListIncidents");
        var ids = new List<long>();
        var pages = 0;
        await foreach (var page in invoker.GetPageableAsync(Op("ListIncidents"), Contoso, null, TestJsonContext.Default.Incident).AsPages(pageSizeHint: 10))
        {
            pages++;
            ids.AddRange(page.Values.Select(i => i.IncidentId));
        }

        Assert.Equal(fixture.Emulator.Options.IncidentsPerTenant, ids.Count);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(6, pages);
        Assert.Equal(6, Calls("ListIncidents") - before);
    }

    [Fact]
    public async Task A_throttled_page_waits_what_the_body_says_and_the_listing_completes()
    {
        var invoker = fixture.CreateInvoker();
        fixture.Emulator.Faults.Throttle(1, TimeSpan.FromSeconds(1), retryAfterHeader: false, operationId: "ListIncidents");
        var watch = Stopwatch.StartNew();
        var count = 0;
        await foreach (var incident in invoker.GetPageableAsync(Op("ListIncidents"), Contoso, null, TestJsonContext.Default.Incident).AsPages(pageSizeHint: 20))
        {
            count += incident.Values.Count;
        }

        Assert.Equal(fixture.Emulator.Options.IncidentsPerTenant, count);
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(0.95), $"waited only {watch.Elapsed}");
    }

    [Fact]
    public async Task A_page_that_keeps_failing_surfaces_the_service_error()
    {
        var invoker = fixture.CreateInvoker(configure: o => o.Retry.MaxRetries = 1);
        fixture.Emulator.Faults.Throttle(5, TimeSpan.FromSeconds(1), retryAfterHeader: false, operationId: "ListIndicators");
        try
        {
            var error = await Assert.ThrowsAsync<DefenderRequestException>(async () =>
            {
                await foreach (var _ in invoker.GetPageableAsync(Op("ListIndicators"), Contoso, null, TestJsonContext.Default.Indicator))
                {
                }
            });
            Assert.Equal(429, error.Status);
            Assert.Equal("TooManyRequests", error.ErrorCode);
            Assert.Contains("quota exceeded", error.ServiceMessage, StringComparison.Ordinal);
        }
        finally
        {
            fixture.Emulator.Faults.Clear();
        }
    }

    [Fact]
    public async Task Top_bounds_the_total_and_filter_is_applied_by_the_service()
    {
        var invoker = fixture.CreateInvoker();
        var first25 = new List<Incident>();
        await foreach (var page in invoker.GetPageableAsync(Op("ListIncidents"), Contoso, new DefenderRequestArguments { Top = 25 }, TestJsonContext.Default.Incident).AsPages(pageSizeHint: 10))
        {
            first25.AddRange(page.Values);
        }

        Assert.Equal(25, first25.Count);

        var active = new List<Incident>();
        await foreach (var incident in invoker.GetPageableAsync(Op("ListIncidents"), Contoso, new DefenderRequestArguments { Filter = "status eq 'Active'" }, TestJsonContext.Default.Incident))
        {
            active.Add(incident);
        }

        Assert.NotEmpty(active);
        Assert.All(active, i => Assert.Equal("Active", i.Status));
        Assert.True(active.Count < fixture.Emulator.Options.IncidentsPerTenant);
    }

    [Fact]
    public async Task Graph_lists_follow_the_next_link_to_the_end()
    {
        var invoker = fixture.CreateInvoker();
        var before = Calls("GraphSecurity.ListIncidents");
        var ids = new List<string>();
        await foreach (var incident in invoker.GetPageableAsync(Op("GraphSecurity.ListIncidents"), Contoso, null, TestJsonContext.Default.GraphIncident))
        {
            ids.Add(incident.Id);
        }

        Assert.Equal(fixture.Emulator.Options.IncidentsPerTenant, ids.Distinct().Count());
        // 57 incidents at the documented maximum of 50 per page ($top=50 on the first request): two pages.
        Assert.Equal(2, Calls("GraphSecurity.ListIncidents") - before);
    }

    [Fact]
    public async Task Missing_role_is_refused_before_any_request_with_the_permission_tenant_and_consent_link()
    {
        var invoker = fixture.CreateInvoker();
        var before = Calls("RunAdvancedHuntingQuery");
        var error = await Assert.ThrowsAsync<MissingPermissionException>(() =>
            invoker.SendAsync(Op("RunAdvancedHuntingQuery"), Northwind, new DefenderRequestArguments { Body = Json(new { Query = "DeviceInfo" }) }));

        Assert.Equal(0, Calls("RunAdvancedHuntingQuery") - before);
        Assert.Equal("AdvancedHunting.Read.All", error.LeastPrivilegedPermission);
        Assert.Equal(Northwind, error.TenantId);
        Assert.Equal(["Incident.Read.All"], error.Granted);
        Assert.NotNull(error.AdminConsentUrl);
        Assert.Contains(Northwind, error.AdminConsentUrl!.AbsoluteUri, StringComparison.Ordinal);
        Assert.Contains("AdvancedHunting.Read.All", error.Message, StringComparison.Ordinal);
        Assert.Contains(error.AdminConsentUrl.AbsoluteUri, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_the_pre_check_off_the_service_answers_403_in_its_error_shape()
    {
        var invoker = fixture.CreateInvoker(configure: o => o.ValidatePermissions = false);
        var error = await Assert.ThrowsAsync<DefenderRequestException>(() =>
            invoker.SendAsync(Op("RunAdvancedHuntingQuery"), Northwind, new DefenderRequestArguments { Body = Json(new { Query = "DeviceInfo" }) }));
        Assert.Equal(403, error.Status);
        Assert.Equal("Forbidden", error.ErrorCode);
        Assert.NotNull(error.Target);
        Assert.Equal("RunAdvancedHuntingQuery", error.OperationId);
    }

    [Fact]
    public async Task Throttled_call_waits_the_retry_after_header_and_succeeds()
    {
        var invoker = fixture.CreateInvoker();
        var before = Calls("GetIncident");
        fixture.Emulator.Faults.Throttle(2, TimeSpan.FromSeconds(1), retryAfterHeader: true, operationId: "GetIncident");
        var watch = Stopwatch.StartNew();
        var incident = await invoker.SendAsync(Op("GetIncident"), Contoso, new DefenderRequestArguments().WithPath("id", 1001), TestJsonContext.Default.Incident);

        Assert.Equal(1001, incident.Value.IncidentId);
        Assert.Equal(3, Calls("GetIncident") - before);
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(1.9), $"waited only {watch.Elapsed}");
    }

    [Fact]
    public async Task Throttled_call_without_header_waits_what_the_body_says()
    {
        var invoker = fixture.CreateInvoker();
        fixture.Emulator.Faults.Throttle(1, TimeSpan.FromSeconds(1), retryAfterHeader: false, operationId: "GetIncident");
        var watch = Stopwatch.StartNew();
        await invoker.SendAsync(Op("GetIncident"), Contoso, new DefenderRequestArguments().WithPath("id", 1002));
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(0.95), $"waited only {watch.Elapsed}");
    }

    [Fact]
    public async Task Persistent_throttling_surfaces_429_with_its_code_and_wait()
    {
        var invoker = fixture.CreateInvoker(configure: o => o.Retry.MaxRetries = 2);
        var before = Calls("ListMachines");
        fixture.Emulator.Faults.Throttle(10, TimeSpan.FromSeconds(1), operationId: "ListMachines");
        try
        {
            var error = await Assert.ThrowsAsync<DefenderRequestException>(() => invoker.SendAsync(Op("ListMachines"), Contoso));
            Assert.Equal(429, error.Status);
            Assert.Equal("TooManyRequests", error.ErrorCode);
            Assert.Equal(TimeSpan.FromSeconds(1), error.RetryAfter);
            Assert.Contains("Gave up after 3 attempts", error.Message, StringComparison.Ordinal);
            Assert.Equal(3, error.Attempts);
            Assert.Equal(3, Calls("ListMachines") - before);
        }
        finally
        {
            fixture.Emulator.Faults.Clear();
        }
    }

    [Fact]
    public async Task A_wait_longer_than_the_maximum_delay_is_not_slept_through()
    {
        var invoker = fixture.CreateInvoker(configure: o => o.Retry.MaxDelay = TimeSpan.FromSeconds(5));
        var before = Calls("ListAlerts");
        fixture.Emulator.Faults.Throttle(1, TimeSpan.FromMinutes(10), operationId: "ListAlerts");
        var error = await Assert.ThrowsAsync<DefenderRequestException>(() => invoker.SendAsync(Op("ListAlerts"), Contoso));
        Assert.Equal(TimeSpan.FromMinutes(10), error.RetryAfter);
        Assert.Equal(1, Calls("ListAlerts") - before);
    }

    [Fact]
    public async Task Server_errors_are_retried_for_reads_but_an_action_post_is_not_repeated()
    {
        var invoker = fixture.CreateInvoker();
        fixture.Emulator.Faults.Fail(1, 503, "GetMachine");
        var machine = await FirstMachineAsync(invoker);
        Assert.Equal(machine.Id, (await invoker.SendAsync(Op("GetMachine"), Contoso, new DefenderRequestArguments().WithPath("id", machine.Id), TestJsonContext.Default.Machine)).Value.Id);

        var before = Calls("RunAntiVirusScan");
        fixture.Emulator.Faults.Fail(1, 503, "RunAntiVirusScan");
        var error = await Assert.ThrowsAsync<DefenderRequestException>(() =>
            invoker.SendAsync(Op("RunAntiVirusScan"), EmulatorFixture.AllPermissionsTenantId, new DefenderRequestArguments { Body = Json(new { Comment = "scan", ScanType = "Quick" }) }.WithPath("id", "any")));
        Assert.Equal(503, error.Status);
        Assert.Equal(1, Calls("RunAntiVirusScan") - before);
    }

    [Fact]
    public async Task Cancellation_stops_a_slow_call()
    {
        var invoker = fixture.CreateInvoker();
        fixture.Emulator.Faults.ApiLatency = TimeSpan.FromSeconds(10);
        try
        {
            using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
            var watch = Stopwatch.StartNew();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => invoker.SendAsync(Op("ListMachines"), Contoso, null, cancellation.Token));
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5));
        }
        finally
        {
            fixture.Emulator.Faults.ApiLatency = TimeSpan.Zero;
        }
    }

    [Fact]
    public async Task Not_found_carries_the_service_code_target_and_request_id()
    {
        var invoker = fixture.CreateInvoker();
        var error = await Assert.ThrowsAsync<DefenderRequestException>(() => invoker.SendAsync(Op("GetIncident"), Contoso, new DefenderRequestArguments().WithPath("id", 999999)));
        Assert.Equal(404, error.Status);
        Assert.Equal("ResourceNotFound", error.ErrorCode);
        Assert.NotNull(error.Target);
        Assert.NotNull(error.RequestId);
        Assert.Contains("GetIncident for tenant", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Incident_can_be_updated_and_read_back()
    {
        var invoker = fixture.CreateInvoker();
        var args = new DefenderRequestArguments { Body = Json(new { status = "InProgress", assignedTo = "analyst@contoso.com", comment = "Looking at it" }) }.WithPath("id", 1003);
        var updated = await invoker.SendAsync(Op("UpdateIncident"), Contoso, args, TestJsonContext.Default.Incident);
        Assert.Equal("InProgress", updated.Value.Status);

        var read = await invoker.SendAsync(Op("GetIncident"), Contoso, new DefenderRequestArguments().WithPath("id", 1003), TestJsonContext.Default.Incident);
        Assert.Equal("analyst@contoso.com", read.Value.AssignedTo);
        Assert.Contains(read.Value.Comments!, c => c.Comment == "Looking at it" && c.CreatedBy == EmulatorOptions.DemoClientId);
    }

    [Fact]
    public async Task Isolating_a_machine_creates_an_action_that_completes_and_refuses_a_duplicate()
    {
        var invoker = fixture.CreateInvoker();
        var machine = await FirstMachineAsync(invoker);
        var isolate = new DefenderRequestArguments { Body = Json(new { Comment = "Contain ransomware", IsolationType = "Full" }) }.WithPath("id", machine.Id);

        var action = await invoker.SendAsync(Op("IsolateMachine"), Contoso, isolate, TestJsonContext.Default.MachineAction);
        Assert.Equal(201, action.GetRawResponse().Status);
        Assert.Equal(("Isolate", "Pending", machine.Id), (action.Value.Type, action.Value.Status, action.Value.MachineId));

        var duplicate = await Assert.ThrowsAsync<DefenderRequestException>(() => invoker.SendAsync(Op("IsolateMachine"), Contoso, isolate));
        Assert.Equal(400, duplicate.Status);

        var statuses = new List<string>();
        var deadline = DateTime.UtcNow.AddSeconds(15);
        string status;
        do
        {
            await Task.Delay(100);
            status = (await invoker.SendAsync(Op("GetMachineAction"), Contoso, new DefenderRequestArguments().WithPath("id", action.Value.Id), TestJsonContext.Default.MachineAction)).Value.Status;
            statuses.Add(status);
        }
        while (status != "Succeeded" && DateTime.UtcNow < deadline);

        Assert.Equal("Succeeded", status);
        Assert.Equal(statuses.Order(Comparer<string>.Create((a, b) => Rank(a).CompareTo(Rank(b)))), statuses);

        static int Rank(string s) => s switch { "Pending" => 0, "InProgress" => 1, _ => 2 };
    }

    [Fact]
    public async Task Indicator_can_be_submitted_listed_and_deleted()
    {
        var invoker = fixture.CreateInvoker();
        var submitted = await invoker.SendAsync(
            Op("SubmitIndicator"),
            Contoso,
            new DefenderRequestArguments { Body = Json(new { indicatorValue = "203.0.113.66", indicatorType = "IpAddress", action = "Block", title = "C2 server", description = "Seen in incident 1001" }) },
            TestJsonContext.Default.Indicator);
        Assert.Equal("Block", submitted.Value.Action);

        async Task<List<string>> ValuesAsync()
        {
            var values = new List<string>();
            await foreach (var indicator in invoker.GetPageableAsync(Op("ListIndicators"), Contoso, null, TestJsonContext.Default.Indicator))
            {
                values.Add(indicator.IndicatorValue);
            }

            return values;
        }

        Assert.Contains("203.0.113.66", await ValuesAsync());
        var deleted = await invoker.SendAsync(Op("DeleteIndicator"), Contoso, new DefenderRequestArguments().WithPath("id", submitted.Value.Id));
        Assert.Equal(204, deleted.Status);
        Assert.DoesNotContain("203.0.113.66", await ValuesAsync());
    }

    [Fact]
    public async Task Advanced_hunting_returns_schema_and_rows_in_each_apis_casing()
    {
        var invoker = fixture.CreateInvoker();
        var xdr = await invoker.SendAsync(Op("RunAdvancedHuntingQuery"), Contoso, new DefenderRequestArguments { Body = Json(new { Query = "DeviceInfo | take 5" }) }, TestJsonContext.Default.HuntingResponse);
        Assert.Equal(5, xdr.Value.Results.Count);
        Assert.Contains(xdr.Value.Schema, c => c.Name == "DeviceName");
        Assert.All(xdr.Value.Results, row => Assert.True(row.ContainsKey("DeviceName")));

        var graph = await invoker.SendAsync(Op("GraphSecurity.RunHuntingQuery"), Contoso, new DefenderRequestArguments { Body = Json(new { Query = "AlertInfo | take 3" }) }, TestJsonContext.Default.GraphHuntingResponse);
        Assert.Equal(3, graph.Value.Results.Count);
    }

    [Fact]
    public async Task Consent_drift_shows_what_a_tenant_has_not_granted()
    {
        var invoker = fixture.CreateInvoker();
        var drift = await invoker.GetConsentDriftAsync(Northwind, DefenderResourceIds.ThreatProtection, ["Incident.Read.All", "AdvancedHunting.Read.All"]);
        Assert.Equal(["AdvancedHunting.Read.All"], drift.Missing);
        Assert.Empty(drift.Extra);

        var contoso = await invoker.GetConsentDriftAsync(Contoso, DefenderResourceIds.ThreatProtection, ["Incident.Read.All", "AdvancedHunting.Read.All"]);
        Assert.True(contoso.IsComplete);
        Assert.Equal(["Incident.ReadWrite.All"], contoso.Extra);
    }

    [Fact]
    public async Task Every_catalog_operation_is_routed_authorized_and_answered()
    {
        var invoker = fixture.CreateInvoker();
        var failures = new List<string>();
        foreach (var operation in Catalog.Operations.Where(o => o.DuplicateOf is null))
        {
            var args = new DefenderRequestArguments();
            foreach (var parameter in operation.PathParameters)
            {
                args.Path[parameter.Name] = parameter.Type switch { "datetime" => DateTimeOffset.UtcNow, "int32" or "int64" => 1001, _ => "x1" };
            }

            if (operation.Body is not null)
            {
                args.Body = BinaryData.FromString("{}");
            }

            try
            {
                var response = await invoker.SendAsync(operation, EmulatorFixture.AllPermissionsTenantId, args);
                if (operation.Response.Entity is not null && response.Content.ToMemory().Length == 0)
                {
                    failures.Add($"{operation.Id}: empty body");
                }
            }
            catch (DefenderRequestException e) when (e.Status is 400 or 404 && !e.Message.Contains("No API operation matches", StringComparison.Ordinal))
            {
                // A handler refusing made-up ids or an empty body is the service's behaviour, not a routing gap.
            }
            catch (Exception e)
            {
                failures.Add($"{operation.Id}: {e.GetType().Name}: {e.Message}");
            }
        }

        Assert.Empty(failures);
    }

    private static async Task<Machine> FirstMachineAsync(DefenderOperationInvoker invoker)
    {
        await foreach (var machine in invoker.GetPageableAsync(Op("ListMachines"), Contoso, new DefenderRequestArguments { Top = 1 }, TestJsonContext.Default.Machine))
        {
            return machine;
        }

        throw new InvalidOperationException("The emulator has no machines.");
    }
}
