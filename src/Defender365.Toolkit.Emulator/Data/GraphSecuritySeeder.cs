using System.Globalization;
using System.Text.Json.Nodes;

namespace Defender365.Toolkit.Emulator.Data;

/// <summary>
/// The data only Microsoft Graph serves for a tenant: custom detection rules, Secure Score (history and control
/// profiles), Defender for Identity sensors and health issues. Drawn from its own random stream, so adding it changed
/// none of the incidents, alerts or machines a seed gave before.
/// </summary>
internal static class GraphSecuritySeeder
{
    /// <summary>How many days of Secure Score Graph keeps (and the most <c>$top</c> may ask for).</summary>
    public const int SecureScoreDays = 90;

    /// <summary>
    /// The Secure Score controls: Microsoft's, the same in every tenant (a tenant only records its state changes), so
    /// their IDs are stable across tenants as in the service.
    /// </summary>
    public static IReadOnlyList<SecureScoreControl> ControlProfiles => Controls;

    private static readonly SecureScoreControl[] Controls =
    [
        new("AdminMFAV2", "Ensure multifactor authentication is enabled for all users in administrative roles", "Identity", 10, "AzureAD", "Core", "Low", "Low", ["Password Cracking", "Account Breach"]),
        new("MFARegistrationV2", "Ensure all users can complete multifactor authentication", "Identity", 9, "AzureAD", "Core", "Moderate", "Moderate", ["Password Cracking", "Phishing"]),
        new("BlockLegacyAuthentication", "Enable policy to block legacy authentication", "Identity", 8, "AzureAD", "Core", "Moderate", "Moderate", ["Password Spray", "Account Breach"]),
        new("SelfServicePasswordReset", "Enable self-service password reset", "Identity", 1, "AzureAD", "Core", "Low", "Low", ["Account Breach"]),
        new("OneAdmin", "Designate more than one global admin", "Identity", 1, "AzureAD", "Core", "Low", "Low", ["Elevation of Privilege"]),
        new("mdo_safelinksforOfficeApps", "Ensure Safe Links for Office applications is enabled", "Apps", 9, "MDO", "Defense in Depth", "Low", "Low", ["Phishing", "Malware"]),
        new("mdo_atpprotection", "Turn on Defender for Office 365 in SharePoint, OneDrive and Teams", "Apps", 6, "MDO", "Defense in Depth", "Low", "Low", ["Malware"]),
        new("scid_2010", "Turn on Microsoft Defender Antivirus real-time protection", "Device", 8, "MDATP", "Core", "Low", "Low", ["Malware", "Ransomware"]),
        new("scid_91", "Block credential stealing from the Windows local security authority subsystem", "Device", 7, "MDATP", "Defense in Depth", "Low", "Low", ["Credential Theft"]),
        new("scid_2500", "Turn on tamper protection", "Device", 8, "MDATP", "Core", "Low", "Low", ["Ransomware"]),
    ];

    private static readonly string[] FrequencyByRule = ["PT1H", "PT3H", "P1D", "PT0S", "PT12H"];

    private static readonly (string Name, string Query, string Severity, string Category)[] Rules =
    [
        ("Encoded PowerShell from an Office process", "DeviceProcessEvents | where InitiatingProcessFileName in~ ('winword.exe','excel.exe') and ProcessCommandLine has '-enc'", "high", "Execution"),
        ("New local administrator on a server", "DeviceEvents | where ActionType == 'UserAccountAddedToLocalGroup' and AdditionalFields has 'Administrators'", "medium", "PrivilegeEscalation"),
        ("Mass file rename in a user profile", "DeviceFileEvents | where ActionType == 'FileRenamed' | summarize count() by DeviceId, bin(Timestamp, 5m) | where count_ > 200", "high", "Ransomware"),
        ("Sign-in from a TOR exit node", "AADSignInEventsBeta | where IPAddress in (externaldata(ip:string)['tor-exits.txt'])", "low", "InitialAccess"),
    ];

    private static readonly (string Type, string Name, string Severity, string Recommendation)[] HealthIssueKinds =
    [
        ("sensor", "Sensor stopped communicating", "high", "Check that the sensor's service is running and that it can reach the Defender for Identity cloud service."),
        ("sensor", "Sensor outdated", "medium", "Update the sensor to the latest version, or turn on automatic updates."),
        ("global", "Directory services user credentials are incorrect", "high", "Check the directory service account's credentials in the Defender portal."),
        ("sensor", "Power mode is not configured for optimal processor performance", "low", "Set the power option of the domain controller to High performance."),
    ];

    public static void Seed(TenantData data, string tenantId, EmulatorOptions options, string domain)
    {
        // A stream of its own (not the Defender data's), salted so it differs from that stream for the same tenant.
        var random = new Random(unchecked((options.Seed * 7919) ^ DataSeeder.StableHash("graph:" + tenantId)));
        var now = options.TimeProvider.GetUtcNow();

        var ruleCount = 2 + random.Next(Rules.Length - 1);
        for (var i = 0; i < ruleCount; i++)
        {
            var (name, query, severity, category) = Rules[i];
            var created = now.AddDays(-random.Next(20, 200));
            data.DetectionRules.Add(DetectionRule(
                (data.NextDetectionRuleId++).ToString(CultureInfo.InvariantCulture), name, isEnabled: random.Next(4) != 0, query, FrequencyByRule[i],
                new JsonObject { ["title"] = name, ["description"] = $"Custom detection: {name}.", ["severity"] = severity, ["category"] = category, ["recommendedActions"] = null, ["mitreTechniques"] = new JsonArray(), ["impactedAssets"] = new JsonArray() },
                createdBy: $"secops@{domain}", created));
        }

        var sensorCount = 1 + random.Next(3);
        for (var s = 0; s < sensorCount; s++)
        {
            var host = $"dc{s + 1:00}.{domain}";
            data.IdentitySensors.Add(new JsonObject
            {
                ["id"] = Guid(random),
                ["displayName"] = $"DC{s + 1:00}",
                ["domainName"] = domain,
                ["sensorType"] = "domainControllerIntegrated",
                ["deploymentStatus"] = s == 0 || random.Next(3) != 0 ? "upToDate" : "outdated",
                ["healthStatus"] = "healthy",
                ["openHealthIssuesCount"] = 0,
                ["version"] = $"2.{240 + random.Next(10)}.{18000 + random.Next(999)}.{random.Next(60000)}",
                ["createdDateTime"] = DataSeeder.Iso(now.AddDays(-random.Next(60, 700))),
                ["settings"] = new JsonObject { ["description"] = null, ["domainControllerDnsNames"] = new JsonArray(host), ["isDelayedDeploymentEnabled"] = s == 0 },
            });
        }

        // At least one open sensor issue (the first kind), so every tenant shows a sensor that is not healthy.
        var issueCount = 1 + random.Next(HealthIssueKinds.Length);
        for (var i = 0; i < issueCount; i++)
        {
            var (type, name, severity, recommendation) = HealthIssueKinds[i];
            var sensor = data.IdentitySensors[random.Next(data.IdentitySensors.Count)];
            var created = now.AddHours(-random.Next(2, 400));
            var dnsNames = type == "sensor" ? new JsonArray(((JsonArray)sensor["settings"]!["domainControllerDnsNames"]!)[0]!.DeepClone()) : new JsonArray();
            data.IdentityHealthIssues.Add(new JsonObject
            {
                ["id"] = Guid(random),
                ["displayName"] = name,
                ["description"] = $"{name} ({(type == "sensor" ? dnsNames[0] : domain)}).",
                ["healthIssueType"] = type,
                ["severity"] = severity,
                ["status"] = "open",
                ["issueTypeId"] = (1000 + i).ToString(CultureInfo.InvariantCulture),
                ["createdDateTime"] = DataSeeder.Iso(created),
                ["lastModifiedDateTime"] = DataSeeder.Iso(created),
                ["domainNames"] = new JsonArray(domain),
                ["sensorDNSNames"] = dnsNames,
                ["recommendations"] = new JsonArray(recommendation),
                ["recommendedActionCommands"] = new JsonArray(),
                ["additionalInformation"] = new JsonArray(),
            });
        }

        var activeUsers = 50 + random.Next(5000);
        data.SecureScore = new SecureScoreProfile(random.Next(), 0.35 + (random.NextDouble() * 0.45), activeUsers, activeUsers + random.Next(200));
    }

    /// <summary>A <c>detectionRule</c> as Graph v1.0 returns it (schedule with <c>frequency</c> only, <c>detectionAction.automatedActions</c>).</summary>
    public static JsonObject DetectionRule(string id, string displayName, bool isEnabled, string query, string frequency, JsonObject alertTemplate, string createdBy, DateTimeOffset created) => new()
    {
        ["id"] = id,
        ["displayName"] = displayName,
        ["isEnabled"] = isEnabled,
        ["createdBy"] = createdBy,
        ["createdDateTime"] = DataSeeder.Iso(created),
        ["lastModifiedBy"] = createdBy,
        ["lastModifiedDateTime"] = DataSeeder.Iso(created),
        ["queryCondition"] = new JsonObject { ["queryText"] = query, ["lastModifiedDateTime"] = DataSeeder.Iso(created) },
        ["schedule"] = new JsonObject { ["frequency"] = frequency },
        ["detectionAction"] = new JsonObject
        {
            ["alertTemplate"] = alertTemplate,
            ["organizationalScope"] = null,
            ["automatedActions"] = new JsonObject { ["actions"] = new JsonArray() },
        },
        ["lastRunDetails"] = new JsonObject { ["lastRunDateTime"] = null, ["status"] = null, ["failureReason"] = null, ["errorCode"] = null },
    };

    /// <summary>
    /// A tenant's Secure Score history, newest first: one score per day for <see cref="SecureScoreDays"/> days, each
    /// control drifting a little from the tenant's level, so the numbers differ by tenant and by day and repeat run after run.
    /// </summary>
    public static IEnumerable<JsonObject> SecureScores(TenantData data, string tenantId, DateTimeOffset now)
    {
        var today = new DateTimeOffset(now.Year, now.Month, now.Day, 0, 0, 0, TimeSpan.Zero);
        var maxScore = ControlProfiles.Sum(c => c.MaxScore);
        for (var day = 0; day < SecureScoreDays; day++)
        {
            var date = today.AddDays(-day);
            var random = new Random(unchecked(data.SecureScore.Seed + day));
            var controls = new JsonArray();
            var total = 0.0;
            foreach (var control in ControlProfiles)
            {
                // Older days score a little lower: a tenant improves over the quarter, as most do once they look.
                var share = Math.Clamp(data.SecureScore.Achieved - (day * 0.002) + ((random.NextDouble() - 0.5) * 0.2), 0, 1);
                var score = Math.Round(control.MaxScore * share, 2);
                total += score;
                controls.Add(new JsonObject
                {
                    ["controlCategory"] = control.Category,
                    ["controlName"] = control.Id,
                    ["description"] = control.Title,
                    ["score"] = score,
                });
            }

            yield return new JsonObject
            {
                ["id"] = $"{tenantId}_{date:yyyy-MM-dd}",
                ["azureTenantId"] = tenantId,
                ["createdDateTime"] = DataSeeder.Iso(date),
                ["currentScore"] = Math.Round(total, 2),
                ["maxScore"] = maxScore,
                ["activeUserCount"] = data.SecureScore.ActiveUsers,
                ["licensedUserCount"] = data.SecureScore.LicensedUsers,
                ["enabledServices"] = new JsonArray("HasExchange", "HasSharePoint", "HasOD4B", "HasMDEP"),
                ["averageComparativeScores"] = new JsonArray(new JsonObject { ["basis"] = "AllTenants", ["averageScore"] = Math.Round(maxScore * 0.41, 2) }),
                ["controlScores"] = controls,
            };
        }
    }

    /// <summary>A control profile as this tenant sees it: Microsoft's control with the tenant's state changes.</summary>
    public static JsonObject ControlProfile(SecureScoreControl control, TenantData data, string tenantId) => new()
    {
        ["id"] = control.Id,
        ["azureTenantId"] = tenantId,
        ["title"] = control.Title,
        ["controlCategory"] = control.Category,
        ["maxScore"] = control.MaxScore,
        ["rank"] = Array.IndexOf(Controls, control) + 1,
        ["service"] = control.Service,
        ["tier"] = control.Tier,
        ["userImpact"] = control.UserImpact,
        ["implementationCost"] = control.ImplementationCost,
        ["remediation"] = $"<p>{control.Title}.</p>",
        ["remediationImpact"] = $"Users affected: {control.UserImpact.ToLowerInvariant()}.",
        ["threats"] = new JsonArray(control.Threats.Select(t => (JsonNode)t).ToArray()),
        ["deprecated"] = false,
        ["lastModifiedDateTime"] = data.ControlStateUpdates.TryGetValue(control.Id, out var updates) && updates.Count > 0 ? updates[^1]!["updatedDateTime"]!.DeepClone() : null,
        ["controlStateUpdates"] = updates?.DeepClone() ?? new JsonArray(),
        ["vendorInformation"] = new JsonObject { ["provider"] = "SecureScore", ["vendor"] = "Microsoft", ["providerVersion"] = null, ["subProvider"] = null },
    };

    private static string Guid(Random random)
    {
        var bytes = new byte[16];
        random.NextBytes(bytes);
        return new System.Guid(bytes).ToString();
    }
}

/// <summary>One of Microsoft's Secure Score controls.</summary>
internal sealed record SecureScoreControl(
    string Id, string Title, string Category, double MaxScore, string Service, string Tier, string UserImpact, string ImplementationCost, IReadOnlyList<string> Threats);
