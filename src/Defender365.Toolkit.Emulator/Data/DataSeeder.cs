using System.Globalization;
using System.Text.Json.Nodes;

namespace Defender365.Toolkit.Emulator.Data;

/// <summary>Generates a tenant's incidents, alerts, machines and indicators from a seed: the same seed, the same data.</summary>
internal static class DataSeeder
{
    private static readonly string[] Titles =
    [
        "Suspicious PowerShell command line", "Ransomware behavior detected in the file system", "Credential dumping via LSASS access",
        "Phishing email with malicious attachment delivered", "Suspicious sign-in from an anonymous IP", "Malware 'Emotet' was prevented",
        "Lateral movement using remote service creation", "Suspicious scheduled task", "Possible compromised user account", "Unusual volume of file deletion",
    ];

    private static readonly string[] Categories = ["Execution", "Ransomware", "CredentialAccess", "InitialAccess", "SuspiciousActivity", "Malware", "LateralMovement", "Persistence"];
    private static readonly string[] Severities = ["Informational", "Low", "Medium", "High"];
    private static readonly string[] IncidentStatuses = ["Active", "Active", "Active", "InProgress", "Resolved"];
    private static readonly string[] Sources = ["WindowsDefenderAtp", "MicrosoftDefenderForOffice365", "AzureAdIdentityProtection", "MicrosoftCloudAppSecurity"];
    private static readonly string[] Analysts = ["secops@contoso.com", "tier1@fabrikam.com", "automation"];
    private static readonly string[] OsPlatforms = ["Windows11", "Windows10", "WindowsServer2022", "Linux", "macOS"];

    public static TenantData Seed(string tenantId, EmulatorOptions options)
    {
        // Not HashCode.Combine: it is randomized per process, and the same seed must give the same data in every run.
        var random = new Random(unchecked((options.Seed * 397) ^ StableHash(tenantId)));
        var now = options.TimeProvider.GetUtcNow();
        var origin = new DateTimeOffset(now.Year, now.Month, now.Day, 0, 0, 0, TimeSpan.Zero).AddDays(-20);
        var data = new TenantData();
        var prefix = tenantId[..4].ToUpperInvariant();

        for (var m = 0; m < options.MachinesPerTenant; m++)
        {
            var id = Hex(random, 40);
            var platform = OsPlatforms[random.Next(OsPlatforms.Length)];
            data.Machines.Add(new JsonObject
            {
                ["id"] = id,
                ["computerDnsName"] = $"{(platform.StartsWith("Windows", StringComparison.Ordinal) ? "ws" : "srv")}-{prefix.ToLowerInvariant()}-{m + 1:000}.corp.example",
                ["firstSeen"] = Iso(origin.AddDays(-random.Next(30, 400))),
                ["lastSeen"] = Iso(now.AddMinutes(-random.Next(1, 600))),
                ["osPlatform"] = platform,
                ["onboardingStatus"] = "Onboarded",
                ["osProcessor"] = "x64",
                ["version"] = platform.StartsWith("Windows", StringComparison.Ordinal) ? "22H2" : null,
                ["osBuild"] = 22621 + random.Next(0, 500),
                ["lastIpAddress"] = $"10.{random.Next(0, 255)}.{random.Next(0, 255)}.{random.Next(1, 254)}",
                ["lastExternalIpAddress"] = $"203.0.113.{random.Next(1, 254)}",
                ["healthStatus"] = random.Next(10) == 0 ? "Inactive" : "Active",
                ["rbacGroupName"] = "UnassignedGroup",
                ["rbacGroupId"] = 0,
                ["riskScore"] = new[] { "None", "Low", "Medium", "High" }[random.Next(4)],
                ["aadDeviceId"] = RandomGuid(random),
                ["machineTags"] = new JsonArray(),
                ["exposureLevel"] = new[] { "Low", "Medium", "High" }[random.Next(3)],
                ["deviceValue"] = "Normal",
                ["osArchitecture"] = "64-bit",
                ["isAadJoined"] = random.Next(2) == 0,
            });
        }

        for (var i = 0; i < options.IncidentsPerTenant; i++)
        {
            AddIncident(data, tenantId, 1000L + i, origin.AddHours(i * 11 + random.Next(0, 10)), random);
        }

        var domain = options.Tenants.FirstOrDefault(t => t.Matches(tenantId))?.Domain ?? $"{prefix.ToLowerInvariant()}.example";
        GraphSecuritySeeder.Seed(data, tenantId, options, domain);
        return data;
    }

    /// <summary>Adds an incident created at <paramref name="created"/> with one to three alerts (each also an MDE alert); returns it.</summary>
    public static JsonObject AddIncident(TenantData data, string tenantId, long incidentId, DateTimeOffset created, Random random)
    {
        var status = IncidentStatuses[random.Next(IncidentStatuses.Length)];
        var severity = Severities[random.Next(Severities.Length)];
        var alerts = new JsonArray();
        var alertCount = 1 + random.Next(3);
        for (var a = 0; a < alertCount; a++)
        {
            var machine = data.Machines.Count > 0 ? data.Machines[random.Next(data.Machines.Count)] : null;
            var alertId = $"da{Hex(random, 16)}_{random.Next(100000000, 999999999)}";
            var title = Titles[random.Next(Titles.Length)];
            var category = Categories[random.Next(Categories.Length)];
            var alertTime = created.AddMinutes(a * 7);
            alerts.Add(new JsonObject
            {
                ["alertId"] = alertId,
                ["incidentId"] = incidentId,
                ["serviceSource"] = Sources[random.Next(Sources.Length)],
                ["creationTime"] = Iso(alertTime),
                ["lastUpdatedTime"] = Iso(alertTime.AddMinutes(30)),
                ["resolvedTime"] = null,
                ["firstActivity"] = Iso(alertTime.AddMinutes(-15)),
                ["lastActivity"] = Iso(alertTime.AddMinutes(-1)),
                ["title"] = title,
                ["description"] = $"{title} on {machine?["computerDnsName"]}.",
                ["category"] = category,
                ["status"] = status == "Resolved" ? "Resolved" : "New",
                ["severity"] = severity,
                ["investigationId"] = null,
                ["investigationState"] = "UnsupportedAlertType",
                ["classification"] = null,
                ["determination"] = null,
                ["detectionSource"] = "WindowsDefenderAv",
                ["assignedTo"] = null,
                ["actorName"] = null,
                ["threatFamilyName"] = null,
                ["mitreTechniques"] = new JsonArray("T1059.001"),
                ["devices"] = machine is null ? new JsonArray() : new JsonArray(new JsonObject
                {
                    ["mdatpDeviceId"] = machine["id"]!.GetValue<string>(),
                    ["deviceDnsName"] = machine["computerDnsName"]!.GetValue<string>(),
                    ["osPlatform"] = machine["osPlatform"]!.GetValue<string>(),
                    ["healthStatus"] = machine["healthStatus"]!.GetValue<string>(),
                    ["riskScore"] = machine["riskScore"]!.GetValue<string>(),
                }),
                ["entities"] = new JsonArray(),
            });

            data.Alerts.Add(new JsonObject
            {
                ["id"] = alertId,
                ["incidentId"] = incidentId,
                ["investigationId"] = null,
                ["assignedTo"] = null,
                ["severity"] = severity,
                ["status"] = status == "Resolved" ? "Resolved" : "New",
                ["classification"] = null,
                ["determination"] = null,
                ["investigationState"] = "UnsupportedAlertType",
                ["detectionSource"] = "WindowsDefenderAv",
                ["detectorId"] = RandomGuid(random),
                ["category"] = category,
                ["threatFamilyName"] = null,
                ["threatName"] = null,
                ["title"] = title,
                ["description"] = $"{title} on {machine?["computerDnsName"]}.",
                ["alertCreationTime"] = Iso(alertTime),
                ["firstEventTime"] = Iso(alertTime.AddMinutes(-15)),
                ["lastEventTime"] = Iso(alertTime.AddMinutes(-1)),
                ["lastUpdateTime"] = Iso(alertTime.AddMinutes(30)),
                ["resolvedTime"] = null,
                ["machineId"] = machine?["id"]?.GetValue<string>(),
                ["computerDnsName"] = machine?["computerDnsName"]?.GetValue<string>(),
                ["rbacGroupName"] = "UnassignedGroup",
                ["aadTenantId"] = tenantId,
                ["mitreTechniques"] = new JsonArray("T1059.001"),
                ["relatedUser"] = new JsonObject { ["userName"] = "alex", ["domainName"] = "CORP" },
                ["comments"] = new JsonArray(),
                ["evidence"] = new JsonArray(),
            });
        }

        data.Incidents.Add(new JsonObject
        {
            ["incidentId"] = incidentId,
            ["redirectIncidentId"] = null,
            ["incidentName"] = $"Multi-stage incident involving {((JsonObject)alerts[0]!)["category"]} on one endpoint",
            ["createdTime"] = Iso(created),
            ["lastUpdateTime"] = Iso(created.AddHours(2)),
            ["assignedTo"] = status == "Active" ? null : Analysts[random.Next(Analysts.Length)],
            ["classification"] = status == "Resolved" ? "TruePositive" : "Unknown",
            ["determination"] = status == "Resolved" ? "Malware" : "NotAvailable",
            ["status"] = status,
            ["severity"] = severity,
            ["detectionSource"] = "WindowsDefenderAtp",
            ["tags"] = new JsonArray(),
            ["comments"] = new JsonArray(),
            ["alerts"] = alerts,
        });
        return data.Incidents[^1];
    }

    public static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    private static string Hex(Random random, int length)
    {
        var bytes = new byte[(length + 1) / 2];
        random.NextBytes(bytes);
        return Convert.ToHexString(bytes).ToLowerInvariant()[..length];
    }

    private static string RandomGuid(Random random)
    {
        var bytes = new byte[16];
        random.NextBytes(bytes);
        return new Guid(bytes).ToString();
    }

    /// <summary>A hash that is the same in every process (unlike <see cref="string.GetHashCode()"/>), for seeds.</summary>
    public static int StableHash(string text)
    {
        var hash = 17;
        foreach (var c in text.ToLowerInvariant())
        {
            hash = unchecked((hash * 31) + c);
        }

        return hash;
    }
}
