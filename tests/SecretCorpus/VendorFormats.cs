// Credentials of other services by their published formats, under names that say nothing: the format alone must find
// them. Made up for this corpus (right prefix, length and alphabet; valid for nothing).
using System;
using System.Collections.Generic;
using System.Net.Http;

namespace Corpus.VendorFormats;

public static class Integrations
{
    public const string GitHub = "ghp_kNtaU4i5GpIpatEJc2vPjjeJeRvtQRxFAoCR"; // secret
    public const string GitHubFineGrained = "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"; // secret
    public const string Billing = "sk_live_fZi4BOClH53mAueyN14AQzGe"; // secret
    public static readonly Uri Maps = new("https://maps.googleapis.com/maps/api/geocode/json?key=AIzaoKHtAj1f94udnD8O0w2INYBaITfIdLYZ1jZ"); // secret
    public static string Notifier = "xoxb-559863702051-3296801882763-tqffNdm4MZ32h8vE6vZHhwpS"; // secret
    public static string Alerts = "https://hooks.slack.com/services/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"; // secret

    public static Dictionary<string, string> Aws() => new()
    {
        ["region"] = "eu-west-1",
        ["id"] = "AKIAR2GRBXAXUGX93MC4", // secret
    };

    public static HttpRequestMessage Post() =>
        new(HttpMethod.Post, "https://hooks.slack.com/services/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"); // secret
}

public static class VendorLookAlikes
{
    // Documentation samples, prefixes alone, and identifiers that only start the same way.
    public const string AwsDocsSample = "AKIAIOSFODNN7EXAMPLE";
    public const string SlackDocsSample = "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX";
    public const string GitHubPrefix = "ghp_";
    public const string StripePublishable = "pk_live_51H8cX2eZvKYlo2C0aBcDeFgHiJ";
    public const string StripeTestDocs = "sk_test_4eC39HqLyjWDarjtT1zdp7dc";
    public const string MethodName = "AIzaGetter";
    public const string Label = "xoxb-token-for-the-alerts-channel";
}
