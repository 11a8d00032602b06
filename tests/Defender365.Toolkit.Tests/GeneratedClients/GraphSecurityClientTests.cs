using System.Text.Json;
using Defender365.Toolkit.Authorization;
using Defender365.Toolkit.Catalog;
using Defender365.Toolkit.Emulator;
using Defender365.Toolkit.Http;
using Defender365.Toolkit.Tests.Generated;
using Defender365.Toolkit.Tests.Generated.Models;
using Defender365.Toolkit.Tests.Infrastructure;

namespace Defender365.Toolkit.Tests.GeneratedClients;

/// <summary>
/// The Graph security operations beyond incidents, alerts and hunting, through the generated clients against the
/// emulator's seeded data: what each tenant has, what a change does, what the service refuses.
/// </summary>
public sealed class GraphSecurityClientTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private const string All = EmulatorFixture.AllPermissionsTenantId;

    private GraphSecurityClient Graph(string tenantId = All) => new DefenderClient(fixture.CreateInvoker()).ForTenant(tenantId).GraphSecurity;

    [Fact]
    public async Task A_detection_rule_is_created_read_changed_found_by_filter_and_deleted_in_its_tenant_only()
    {
        var rules = Graph().DetectionRules;
        var seeded = await rules.ListDetectionRulesAsync().ToListAsync();
        Assert.NotEmpty(seeded);
        Assert.All(seeded, rule => Assert.False(string.IsNullOrEmpty(rule.Schedule?.Frequency)));

        var created = (await rules.CreateDetectionRuleAsync(new GraphCreateDetectionRuleRequest
        {
            DisplayName = "Rundll32 without arguments",
            IsEnabled = true,
            QueryCondition = new GraphQueryCondition { QueryText = "DeviceProcessEvents | where FileName =~ 'rundll32.exe' and ProcessCommandLine =~ 'rundll32.exe'" },
            Schedule = new GraphRuleSchedule { Frequency = "PT3H" },
            DetectionAction = new GraphDetectionAction { AlertTemplate = new GraphAlertTemplate { Title = "Rundll32 without arguments", Severity = DetectionRuleSeverity.Medium, Category = "DefenseEvasion" } },
        })).Value;
        Assert.DoesNotContain(seeded, rule => rule.Id == created.Id);
        Assert.Equal(EmulatorOptions.DemoClientId, created.CreatedBy);
        Assert.Equal(DetectionRuleSeverity.Medium, created.DetectionAction?.AlertTemplate?.Severity);

        var changed = (await rules.UpdateDetectionRuleAsync(created.Id, new GraphUpdateDetectionRuleRequest { IsEnabled = false, Schedule = new GraphRuleSchedule { Frequency = "P1D" } })).Value;
        Assert.Equal(false, changed.IsEnabled);
        Assert.Equal("P1D", changed.Schedule?.Frequency);
        Assert.Equal(created.DisplayName, changed.DisplayName);
        Assert.Equal("P1D", (await rules.GetDetectionRuleAsync(created.Id)).Value.Schedule?.Frequency);

        var disabled = await rules.ListDetectionRulesAsync(filter: "isEnabled eq false").Select(r => r.Id).ToListAsync();
        Assert.Contains(created.Id, disabled);

        var other = await Graph(EmulatorFixture.SecondAllPermissionsTenantId).DetectionRules.ListDetectionRulesAsync().Select(r => r.DisplayName).ToListAsync();
        Assert.DoesNotContain("Rundll32 without arguments", other);

        await rules.DeleteDetectionRuleAsync(created.Id);
        var gone = await Assert.ThrowsAsync<DefenderRequestException>(() => rules.GetDetectionRuleAsync(created.Id));
        Assert.Equal(404, gone.Status);
        Assert.Equal("NotFound", gone.ErrorCode);
    }

    [Theory]
    [InlineData("PT2H")]
    [InlineData("1H")]
    [InlineData("every hour")]
    public async Task A_frequency_custom_detections_do_not_offer_is_refused_with_the_ones_they_do(string frequency)
    {
        var error = await Assert.ThrowsAsync<DefenderRequestException>(() => Graph().DetectionRules.CreateDetectionRuleAsync(new GraphCreateDetectionRuleRequest
        {
            DisplayName = "Bad schedule",
            QueryCondition = new GraphQueryCondition { QueryText = "DeviceInfo" },
            Schedule = new GraphRuleSchedule { Frequency = frequency },
            DetectionAction = new GraphDetectionAction { AlertTemplate = new GraphAlertTemplate { Title = "Bad schedule" } },
        }));
        Assert.Equal(400, error.Status);
        Assert.Contains("PT0S, PT1H, PT3H, PT12H, P1D", error.ServiceMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rule_written_for_beta_is_refused_on_v1_naming_the_property_v1_does_not_define()
    {
        var invoker = fixture.CreateInvoker();
        var operation = DefenderCatalog.Default.GetOperation("GraphSecurity.CreateDetectionRule");
        var beta = """
            {"displayName": "Beta rule", "queryCondition": {"queryText": "DeviceInfo"},
             "schedule": {"period": "1H"},
             "detectionAction": {"alertTemplate": {"title": "Beta rule"}, "responseActions": []}}
            """;
        var error = await Assert.ThrowsAsync<DefenderRequestException>(() => invoker.SendAsync(operation, All, new DefenderRequestArguments { Body = BinaryData.FromString(beta) }));
        Assert.Equal(400, error.Status);
        Assert.Contains("'schedule.period'", error.ServiceMessage, StringComparison.Ordinal);
        Assert.Contains("GraphRuleSchedule", error.ServiceMessage, StringComparison.Ordinal);

        var withoutPeriod = beta.Replace("\"period\": \"1H\"", "\"frequency\": \"PT1H\"", StringComparison.Ordinal);
        error = await Assert.ThrowsAsync<DefenderRequestException>(() => invoker.SendAsync(operation, All, new DefenderRequestArguments { Body = BinaryData.FromString(withoutPeriod) }));
        Assert.Contains("'detectionAction.responseActions'", error.ServiceMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Secure_score_is_one_score_a_day_newest_first_the_sum_of_its_controls_and_differs_by_tenant()
    {
        var week = await Graph().SecureScore.ListSecureScoresAsync(top: 7).ToListAsync();
        Assert.Equal(7, week.Count);
        for (var i = 1; i < week.Count; i++)
        {
            Assert.Equal(TimeSpan.FromDays(1), week[i - 1].CreatedDateTime - week[i].CreatedDateTime);
        }

        foreach (var score in week)
        {
            var controls = score.ControlScores!.Value.EnumerateArray().Sum(c => c.GetProperty("score").GetDouble());
            Assert.Equal(score.CurrentScore!.Value, controls, precision: 1);
            Assert.InRange(score.CurrentScore.Value, 0, score.MaxScore!.Value);
            Assert.Equal(All, score.AzureTenantId);
        }

        Assert.Equal(week[2], (await Graph().SecureScore.GetSecureScoreAsync(week[2].Id)).Value, new SecureScoreComparer());
        Assert.Equal(90, await Graph().SecureScore.ListSecureScoresAsync(top: 90).CountAsync());

        var other = await Graph(EmulatorFixture.SecondAllPermissionsTenantId).SecureScore.ListSecureScoresAsync(top: 1).FirstAsync();
        Assert.NotEqual(week[0].CurrentScore, other.CurrentScore);
        Assert.Equal(week[0].MaxScore, other.MaxScore);
    }

    [Fact]
    public async Task A_control_state_change_is_recorded_in_its_tenant_and_needs_the_vendor()
    {
        var profiles = Graph().SecureScore;
        var control = await profiles.ListSecureScoreControlProfilesAsync(filter: "service eq 'AzureAD'").FirstAsync();

        var refused = await Assert.ThrowsAsync<DefenderRequestException>(() => profiles.UpdateSecureScoreControlProfileAsync(control.Id, new GraphUpdateSecureScoreControlProfileRequest { State = "Ignored" }));
        Assert.Equal(400, refused.Status);
        Assert.Contains("vendorInformation", refused.ServiceMessage, StringComparison.Ordinal);

        var vendor = JsonDocument.Parse("""{"provider": "SecureScore", "vendor": "Microsoft"}""").RootElement;
        var updated = (await profiles.UpdateSecureScoreControlProfileAsync(control.Id, new GraphUpdateSecureScoreControlProfileRequest { State = "ThirdParty", Comment = "Covered by our IdP", VendorInformation = vendor })).Value;
        var last = updated.ControlStateUpdates!.Value.EnumerateArray().Last();
        Assert.Equal("ThirdParty", last.GetProperty("state").GetString());
        Assert.Equal("Covered by our IdP", last.GetProperty("comment").GetString());

        var elsewhere = (await Graph(EmulatorFixture.SecondAllPermissionsTenantId).SecureScore.GetSecureScoreControlProfileAsync(control.Id)).Value;
        Assert.Equal(0, elsewhere.ControlStateUpdates!.Value.GetArrayLength());

        var badState = await Assert.ThrowsAsync<DefenderRequestException>(() => profiles.UpdateSecureScoreControlProfileAsync(control.Id, new GraphUpdateSecureScoreControlProfileRequest { State = "Done", VendorInformation = vendor }));
        Assert.Contains("Default, Ignored, ThirdParty, Reviewed", badState.ServiceMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Threat_intelligence_names_its_indicators_as_malicious_and_answers_any_host_or_cve_consistently()
    {
        var intel = Graph().ThreatIntelligence;
        var article = await intel.ListArticlesAsync(filter: "isFeatured eq true").FirstAsync();
        Assert.Equal(article.Title, (await intel.GetArticleAsync(article.Id)).Value.Title);

        var indicator = await intel.ListArticleIndicatorsAsync(article.Id).FirstAsync();
        var named = indicator.Artifact!.Value.GetProperty("id").GetString()!;
        var reputation = (await intel.GetHostReputationAsync(named)).Value;
        Assert.Equal("malicious", reputation.Classification);
        Assert.Equal(100, reputation.Score);

        var ordinary = (await intel.GetHostReputationAsync("www.contoso.com")).Value;
        Assert.NotEqual("malicious", ordinary.Classification);
        Assert.Equal(ordinary, (await Graph(EmulatorFixture.SecondAllPermissionsTenantId).ThreatIntelligence.GetHostReputationAsync("www.contoso.com")).Value, new ReputationComparer());

        var dns = await intel.ListHostPassiveDnsAsync("www.contoso.com").ToListAsync();
        Assert.NotEmpty(dns);
        Assert.All(dns, record => Assert.Equal("www.contoso.com", record.ParentHost!.Value.GetProperty("id").GetString()));

        Assert.Equal("CVE-2026-10001", (await intel.GetTiVulnerabilityAsync("cve-2026-10001")).Value.Id);
        Assert.Equal(404, (await Assert.ThrowsAsync<DefenderRequestException>(() => intel.GetTiVulnerabilityAsync("KB5034441"))).Status);
        Assert.Equal(404, (await Assert.ThrowsAsync<DefenderRequestException>(() => intel.GetHostAsync("not a host"))).Status);

        var profile = await intel.ListIntelProfilesAsync().FirstAsync();
        Assert.NotEmpty(await intel.ListIntelProfileIndicatorsAsync(profile.Id).ToListAsync());
    }

    [Fact]
    public async Task Closing_an_identity_health_issue_takes_it_off_its_sensor()
    {
        var identities = Graph().Identities;
        var issue = await identities.ListHealthIssuesAsync(filter: "healthIssueType eq 'sensor' and status eq 'open'").FirstAsync();
        var dnsName = Assert.Single(issue.SensorDNSNames!);
        var sensors = await identities.ListSensorsAsync().ToListAsync();
        var sensor = sensors.Single(s => s.Settings!.Value.GetProperty("domainControllerDnsNames").EnumerateArray().Any(n => n.GetString() == dnsName));
        Assert.NotEqual("healthy", sensor.HealthStatus);

        var closed = (await identities.UpdateHealthIssueAsync(issue.Id, new GraphUpdateHealthIssueRequest { Status = "closed" })).Value;
        Assert.Equal("closed", closed.Status);
        var after = (await identities.GetSensorAsync(sensor.Id)).Value;
        Assert.Equal(sensor.OpenHealthIssuesCount - 1, after.OpenHealthIssuesCount);

        var refused = await Assert.ThrowsAsync<DefenderRequestException>(() => identities.UpdateHealthIssueAsync(issue.Id, new GraphUpdateHealthIssueRequest { Status = "fixed" }));
        Assert.Contains("open, closed, suppressed", refused.ServiceMessage, StringComparison.Ordinal);

        var described = (await identities.UpdateSensorAsync(sensor.Id, new GraphUpdateSensorRequest { Settings = JsonDocument.Parse("""{"description": "Primary DC"}""").RootElement })).Value;
        Assert.Equal("Primary DC", described.Settings!.Value.GetProperty("description").GetString());
        Assert.Equal(dnsName, described.Settings.Value.GetProperty("domainControllerDnsNames")[0].GetString());
    }

    [Fact]
    public async Task The_customer_roster_is_every_other_tenant_and_each_can_be_read()
    {
        var customers = Graph().Customers;
        var roster = await customers.ListDelegatedAdminCustomersAsync().ToListAsync();
        Assert.DoesNotContain(roster, c => c.TenantId == All);
        Assert.Contains(roster, c => c.TenantId == EmulatorOptions.ContosoTenantId && c.DisplayName == "Contoso");
        Assert.Equal(fixture.Emulator.Options.Tenants.Count - 1, roster.Count);
        Assert.Equal("Fabrikam", (await customers.GetDelegatedAdminCustomerAsync(EmulatorOptions.FabrikamTenantId)).Value.DisplayName);
    }

    [Fact]
    public async Task Comments_and_triage_through_Graph_are_kept_and_seen_through_the_Defender_APIs()
    {
        var tenant = new DefenderClient(fixture.CreateInvoker()).ForTenant(All);
        var alert = await tenant.GraphSecurity.Alerts.ListAlertsV2Async(top: 1).FirstAsync();
        var comments = await tenant.GraphSecurity.Alerts.CreateAlertCommentAsync(alert.Id, new GraphCreateAlertCommentRequest { Comment = "Looked at it" }).ToListAsync();
        var added = Assert.Single(comments);
        Assert.Equal("Looked at it", added.Comment);
        Assert.False(string.IsNullOrEmpty(added.CreatedByDisplayName));

        var resolved = (await tenant.GraphSecurity.Alerts.UpdateAlertV2Async(alert.Id, new GraphUpdateAlertV2Request { Status = (AlertStatus)"resolved", Classification = (AlertClassification)"truePositive", AssignedTo = "tier2@contoso.com" })).Value;
        Assert.Equal("resolved", resolved.Status.ToString());
        Assert.Equal("tier2@contoso.com", resolved.AssignedTo);
        Assert.Single((await tenant.GraphSecurity.Alerts.GetAlertV2Async(alert.Id)).Value.Comments!);

        var incidentId = alert.IncidentId!;
        await tenant.GraphSecurity.Incidents.CreateIncidentCommentAsync(incidentId, new GraphCreateIncidentCommentRequest { Comment = "Escalated" }).ToListAsync();
        var incident = (await tenant.Incidents.GetIncidentAsync(long.Parse(incidentId, System.Globalization.CultureInfo.InvariantCulture))).Value;
        Assert.Contains(incident.Comments!, c => c.Comment == "Escalated");

        var empty = await Assert.ThrowsAsync<DefenderRequestException>(() => tenant.GraphSecurity.Incidents.CreateIncidentCommentAsync(incidentId, new GraphCreateIncidentCommentRequest { Comment = " " }).ToListAsync().AsTask());
        Assert.Equal(400, empty.Status);
    }

    [Fact]
    public async Task A_tenant_that_did_not_consent_to_the_graph_permission_is_refused_with_its_name()
    {
        var error = await Assert.ThrowsAsync<MissingPermissionException>(() => Graph(EmulatorOptions.ContosoTenantId).DetectionRules.ListDetectionRulesAsync().ToListAsync().AsTask());
        Assert.Equal("CustomDetection.Read.All", error.LeastPrivilegedPermission);
        Assert.Equal(EmulatorOptions.ContosoTenantId, error.TenantId);
    }

    private sealed class SecureScoreComparer : IEqualityComparer<GraphSecureScore>
    {
        public bool Equals(GraphSecureScore? x, GraphSecureScore? y) =>
            x?.Id == y?.Id && x?.CurrentScore == y?.CurrentScore && x?.CreatedDateTime == y?.CreatedDateTime;

        public int GetHashCode(GraphSecureScore obj) => obj.Id.GetHashCode(StringComparison.Ordinal);
    }

    private sealed class ReputationComparer : IEqualityComparer<GraphHostReputation>
    {
        public bool Equals(GraphHostReputation? x, GraphHostReputation? y) => x?.Classification == y?.Classification && x?.Score == y?.Score;

        public int GetHashCode(GraphHostReputation obj) => obj.Score.GetHashCode();
    }
}
