using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Defender365.Toolkit.Emulator.Data;

/// <summary>
/// Microsoft's threat intelligence as Graph serves it under <c>/security/threatIntelligence</c>: the same for every
/// tenant (it is Microsoft's research, not the tenant's data), so it is built once per emulator. Articles and intel
/// profiles are a fixed, made-up set; hosts and vulnerabilities are answered for any well-formed name, computed from the
/// name so the same host always gets the same answer, and the hosts the articles name are the malicious ones.
/// </summary>
internal sealed partial class ThreatIntelligenceData
{
    private readonly DateTimeOffset _origin;

    public ThreatIntelligenceData(EmulatorOptions options)
    {
        var now = options.TimeProvider.GetUtcNow();
        _origin = new DateTimeOffset(now.Year, now.Month, now.Day, 0, 0, 0, TimeSpan.Zero);
        AddArticle("7f3c9a21", "Storm-9001 moves to signed installers for initial access", featured: true, daysAgo: 3,
            ["updates-cdn.example", "203.0.113.45"], ["Storm-9001", "Ransomware"]);
        AddArticle("2b8e41d0", "Credential phishing wave imitates invoice portals", featured: false, daysAgo: 12,
            ["invoice-portal.example", "login-verify.example"], ["Phishing"]);
        AddArticle("c4d51e77", "Exploitation of an edge VPN appliance in the wild", featured: true, daysAgo: 30,
            ["198.51.100.7"], ["Vulnerability", "CVE-2026-10001"]);
        AddProfile("9a1b2c3d", "Storm-9001", ["Ember Lynx"], "Financially motivated group deploying ransomware after initial access through signed installers.", daysAgo: 900, ["updates-cdn.example", "203.0.113.45"]);
        AddProfile("4e5f6a7b", "Storm-9002", ["Quiet Heron"], "Espionage actor targeting government and telecommunications through edge devices.", daysAgo: 1500, ["198.51.100.7"]);
    }

    public List<JsonObject> Articles { get; } = [];

    public Dictionary<string, List<JsonObject>> ArticleIndicators { get; } = new(StringComparer.Ordinal);

    public List<JsonObject> IntelProfiles { get; } = [];

    public Dictionary<string, List<JsonObject>> ProfileIndicators { get; } = new(StringComparer.Ordinal);

    /// <summary>A host (a domain name or an IP address) as Graph describes it, or null when <paramref name="hostId"/> is neither.</summary>
    public JsonObject? Host(string hostId)
    {
        if (Kind(hostId) is not { } kind)
        {
            return null;
        }

        var hash = Hash(hostId);
        return new JsonObject
        {
            ["@odata.type"] = $"#microsoft.graph.security.{kind}",
            ["id"] = hostId,
            ["firstSeenDateTime"] = DataSeeder.Iso(_origin.AddDays(-(hash % 2000) - 30)),
            ["lastSeenDateTime"] = DataSeeder.Iso(_origin.AddDays(-(hash % 5))),
        };
    }

    /// <summary>
    /// A host's reputation: malicious when an article or intel profile names it, otherwise drawn from the name
    /// (mostly neutral, some suspicious), with the rules that decided it.
    /// </summary>
    public JsonObject? Reputation(string hostId)
    {
        if (Kind(hostId) is null)
        {
            return null;
        }

        var named = ArticleIndicators.Values.Concat(ProfileIndicators.Values).SelectMany(list => list)
            .Any(i => string.Equals(i["artifact"]?["id"]?.GetValue<string>(), hostId, StringComparison.OrdinalIgnoreCase));
        var hash = Hash(hostId);
        var (classification, score) = named ? ("malicious", 100) : hash % 7 == 0 ? ("suspicious", 40 + (hash % 30)) : ("neutral", hash % 10);
        var rules = new JsonArray();
        if (named)
        {
            rules.Add(Rule("Named in Microsoft threat intelligence", "The host is an indicator of an article or intel profile.", "high"));
        }
        else if (classification == "suspicious")
        {
            rules.Add(Rule("Recently registered", "The domain or address appeared in the last weeks.", "medium"));
        }

        return new JsonObject { ["id"] = hostId, ["classification"] = classification, ["score"] = score, ["rules"] = rules };
    }

    /// <summary>The passive DNS records of a host: the addresses a domain resolved to (or the domains that resolved to an address), newest first.</summary>
    public IReadOnlyList<JsonObject>? PassiveDns(string hostId)
    {
        if (Kind(hostId) is not { } kind)
        {
            return null;
        }

        var hash = Hash(hostId);
        var records = new List<JsonObject>();
        for (var i = 0; i < 3; i++)
        {
            var seen = _origin.AddDays(-(i * 40) - (hash % 10));
            var artifact = kind == "hostname"
                ? new JsonObject { ["@odata.type"] = "#microsoft.graph.security.ipAddress", ["id"] = $"198.51.100.{((hash + i) % 250) + 1}" }
                : new JsonObject { ["@odata.type"] = "#microsoft.graph.security.hostname", ["id"] = $"host{(hash + i) % 97}.example" };
            records.Add(new JsonObject
            {
                ["id"] = $"{hostId}-{i}",
                ["collectedDateTime"] = DataSeeder.Iso(seen),
                ["firstSeenDateTime"] = DataSeeder.Iso(seen.AddDays(-30)),
                ["lastSeenDateTime"] = DataSeeder.Iso(seen),
                ["recordType"] = kind == "hostname" ? "A" : "PTR",
                ["artifact"] = artifact,
                ["parentHost"] = new JsonObject { ["@odata.type"] = $"#microsoft.graph.security.{kind}", ["id"] = hostId },
            });
        }

        return records;
    }

    /// <summary>A vulnerability by CVE ID (<c>CVE-YYYY-NNNN…</c>), or null for any other ID.</summary>
    public JsonObject? Vulnerability(string id)
    {
        if (!CveId().IsMatch(id))
        {
            return null;
        }

        var hash = Hash(id.ToUpperInvariant());
        var score = 4.0 + ((hash % 60) / 10.0);
        var exploited = id.Equals("CVE-2026-10001", StringComparison.OrdinalIgnoreCase) || hash % 9 == 0;
        return new JsonObject
        {
            ["id"] = id.ToUpperInvariant(),
            ["description"] = new JsonObject { ["content"] = $"{id.ToUpperInvariant()}: an emulated vulnerability record.", ["format"] = "text" },
            ["severity"] = score >= 9 ? "critical" : score >= 7 ? "high" : score >= 4 ? "medium" : "low",
            ["priorityScore"] = (long)(score * 10) + (exploited ? 5 : 0),
            ["cvss2Summary"] = null,
            ["cvss3Summary"] = new JsonObject { ["score"] = score, ["severity"] = score >= 7 ? "High" : "Medium", ["vectorString"] = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" },
            ["exploitsAvailable"] = exploited,
            ["activeExploitsObserved"] = exploited,
            ["hasChatter"] = exploited || hash % 3 == 0,
            ["commonWeaknessEnumerationIds"] = new JsonArray("CWE-787"),
            ["remediation"] = new JsonObject { ["content"] = "Apply the vendor's update.", ["format"] = "text" },
            ["publishedDateTime"] = DataSeeder.Iso(_origin.AddDays(-(hash % 300) - 10)),
            ["lastModifiedDateTime"] = DataSeeder.Iso(_origin.AddDays(-(hash % 10))),
        };
    }

    private void AddArticle(string id, string title, bool featured, int daysAgo, string[] hosts, string[] tags)
    {
        var created = _origin.AddDays(-daysAgo);
        Articles.Add(new JsonObject
        {
            ["id"] = id,
            ["title"] = title,
            ["summary"] = new JsonObject { ["content"] = title + ".", ["format"] = "text" },
            ["body"] = new JsonObject { ["content"] = $"## {title}\n\nMicrosoft observed this activity; the indicators are listed with the article.", ["format"] = "markdown" },
            ["createdDateTime"] = DataSeeder.Iso(created),
            ["lastUpdatedDateTime"] = DataSeeder.Iso(created.AddDays(1)),
            ["isFeatured"] = featured,
            ["imageUrl"] = $"https://security.microsoft.com/intel-explorer/articles/{id}/image",
            ["tags"] = new JsonArray(tags.Select(t => (JsonNode)t).ToArray()),
        });
        ArticleIndicators[id] = Indicators(id, hosts, created);
    }

    private void AddProfile(string id, string title, string[] aliases, string summary, int daysAgo, string[] hosts)
    {
        IntelProfiles.Add(new JsonObject
        {
            ["id"] = id,
            ["title"] = title,
            ["kind"] = "actor",
            ["aliases"] = new JsonArray(aliases.Select(a => (JsonNode)a).ToArray()),
            ["firstActiveDateTime"] = DataSeeder.Iso(_origin.AddDays(-daysAgo)),
            ["summary"] = new JsonObject { ["content"] = summary, ["format"] = "text" },
            ["description"] = new JsonObject { ["content"] = summary, ["format"] = "markdown" },
            ["tradecraft"] = new JsonObject { ["content"] = "Signed installers, living off the land, remote services.", ["format"] = "text" },
            ["targets"] = new JsonArray("Manufacturing", "Financial services"),
            ["countriesOrRegionsOfOrigin"] = new JsonArray(new JsonObject { ["label"] = "Unknown", ["code"] = "XX" }),
        });
        ProfileIndicators[id] = Indicators(id, hosts, _origin.AddDays(-daysAgo));
    }

    private static List<JsonObject> Indicators(string ownerId, string[] hosts, DateTimeOffset firstSeen) =>
        hosts.Select((host, i) => new JsonObject
        {
            ["id"] = $"{ownerId}-{i + 1}",
            ["source"] = "microsoft",
            ["artifact"] = new JsonObject { ["@odata.type"] = $"#microsoft.graph.security.{Kind(host)}", ["id"] = host },
            ["firstSeenDateTime"] = DataSeeder.Iso(firstSeen),
            ["lastSeenDateTime"] = DataSeeder.Iso(firstSeen.AddDays(2)),
        }).ToList();

    private static JsonObject Rule(string name, string description, string severity) =>
        new() { ["name"] = name, ["description"] = description, ["severity"] = severity, ["relatedDetailsUrl"] = null };

    // Graph names a host by its DNS name or its IP address; anything else is not a host.
    private static string? Kind(string hostId) =>
        IPAddress.TryParse(hostId, out _) ? "ipAddress"
        : hostId.Length <= 253 && Uri.CheckHostName(hostId) == UriHostNameType.Dns && hostId.Contains('.', StringComparison.Ordinal) ? "hostname"
        : null;

    private static int Hash(string text) => DataSeeder.StableHash(text) & int.MaxValue;

    [GeneratedRegex("^CVE-[0-9]{4}-[0-9]{4,7}$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CveId();
}
