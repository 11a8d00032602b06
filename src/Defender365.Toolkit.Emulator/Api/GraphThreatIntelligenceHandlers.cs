using Defender365.Toolkit.Emulator.Data;

namespace Defender365.Toolkit.Emulator.Api;

/// <summary>
/// Graph threat intelligence reads (<c>/security/threatIntelligence</c>): articles and intel profiles with their
/// indicators, hosts with reputation and passive DNS, vulnerabilities; Microsoft's data, the same in every tenant
/// (<see cref="ThreatIntelligenceData"/>). A host that is not a DNS name or an IP address, or an ID that is not a CVE, is 404.
/// </summary>
internal static class GraphThreatIntelligenceHandlers
{
    public static void Register(IDictionary<string, Func<ApiRequest, IResult>> handlers)
    {
        handlers["GraphSecurity.ListArticles"] = r => r.List(Intel(r).Articles, "security/threatIntelligence/articles");
        handlers["GraphSecurity.GetArticle"] = r =>
            Intel(r).Articles.FirstOrDefault(a => a["id"]!.GetValue<string>() == r.PathValue("articleId")) is { } article
                ? r.Ok(article.DeepClone())
                : r.NotFound("Article", r.PathValue("articleId"));
        handlers["GraphSecurity.ListArticleIndicators"] = r =>
            Intel(r).ArticleIndicators.TryGetValue(r.PathValue("articleId"), out var indicators)
                ? r.List(indicators, "security/threatIntelligence/articleIndicators")
                : r.NotFound("Article", r.PathValue("articleId"));
        handlers["GraphSecurity.ListIntelProfiles"] = r => r.List(Intel(r).IntelProfiles, "security/threatIntelligence/intelProfiles");
        handlers["GraphSecurity.GetIntelProfile"] = r =>
            Intel(r).IntelProfiles.FirstOrDefault(p => p["id"]!.GetValue<string>() == r.PathValue("intelligenceProfileId")) is { } profile
                ? r.Ok(profile.DeepClone())
                : r.NotFound("Intel profile", r.PathValue("intelligenceProfileId"));
        handlers["GraphSecurity.ListIntelProfileIndicators"] = r =>
            Intel(r).ProfileIndicators.TryGetValue(r.PathValue("intelligenceProfileId"), out var indicators)
                ? r.List(indicators, "security/threatIntelligence/intelligenceProfileIndicators")
                : r.NotFound("Intel profile", r.PathValue("intelligenceProfileId"));
        handlers["GraphSecurity.GetHost"] = r =>
            Intel(r).Host(r.PathValue("hostId")) is { } host ? r.Ok(host) : HostNotFound(r);
        handlers["GraphSecurity.GetHostReputation"] = r =>
            Intel(r).Reputation(r.PathValue("hostId")) is { } reputation ? r.Ok(reputation) : HostNotFound(r);
        handlers["GraphSecurity.ListHostPassiveDns"] = r =>
            Intel(r).PassiveDns(r.PathValue("hostId")) is { } records ? r.List(records, "security/threatIntelligence/passiveDnsRecords") : HostNotFound(r);
        handlers["GraphSecurity.GetTiVulnerability"] = r =>
            Intel(r).Vulnerability(r.PathValue("vulnerabilityId")) is { } vulnerability ? r.Ok(vulnerability) : r.NotFound("Vulnerability", r.PathValue("vulnerabilityId"));
    }

    private static ThreatIntelligenceData Intel(ApiRequest r) => r.State.Data.ThreatIntelligence;

    private static IResult HostNotFound(ApiRequest r) => r.NotFound("Host", r.PathValue("hostId"));
}
