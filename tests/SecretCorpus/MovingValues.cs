// Secrets that move before they land, and secrets left in comments; each with look-alikes that must stay quiet.
using System;
using System.Collections.Generic;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Identity.Client;

namespace Corpus.MovingValues;

public static class Positives
{
    public static object Joined() => ConfidentialClientApplicationBuilder.Create("app").WithClientSecret(string.Concat("Kx4.Vb7_", "Nm2-Qw9Lp3")); // secret
    public static object JoinedThree() => ConfidentialClientApplicationBuilder.Create("app").WithClientSecret(String.Concat("Tz7", "8Q~", "Ab1.Cd2_Ef3-Gh4~Ij5Kl6Mn7Op8Qr9St")); // secret
    public static string[] Arguments() => new[] { "--tenant", "contoso.onmicrosoft.com", "--client-secret", "Rf4.Tg5_Yh6-Uj7Ik8" }; // secret
    public static List<string> Switches() => new() { "-u", "svc-backup", "--password", "Bk9!up-Pa55" }; // secret
    public static string[] Collection() => ["/password", "N3t-Us3r!Pw"]; // secret
    public static AuthenticationHeaderValue Basic() => new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("svc-reports:Rp7-Xq2!mK"))); // secret
    public static AuthenticationHeaderValue BasicAscii() => new("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes("admin:letmein2026"))); // secret
    public static readonly byte[] HmacKey = Encoding.UTF8.GetBytes("hK4mQ9vX2pL7wN3tZ8yB"); // secret
    public static bool Compare(string? apiKey) => apiKey != null && apiKey.Equals("ak-7Hq2Lm9Pz4Xw"); // secret
    public static bool StaticKey(string? subscriptionKey) => string.Equals(subscriptionKey, "5c8e1a9f3b7d4e6a", StringComparison.Ordinal); // secret

    // old client secret, rotated? Pz58Q~Lk1.Mj2_Nh3-Bg4~Vf5Cd6Xs7Za8Qw9E // secret
    // Service Bus for local runs: Endpoint=sb://soc-dev.servicebus.windows.net/;SharedAccessKeyName=dev;SharedAccessKey=Qm4Xk9Vn2Lp7Rt3Zy8Bc5Fh1Jd6Sa0Km3Nq8Rt2Wv5=; // secret
    // password: Wint3r!Soc-2026 (the reporting account) // secret
    /* api_key = "k9Vn2Lp7Rt3Zy8Bc5Fh1" */ // secret
}

public static class LookAlikes
{
    public static string Names() => string.Concat("Defender", ":", "ClientSecret");
    public static string Path() => String.Concat("/connect/", "token");
    public static string[] Arguments() => new[] { "--tenant", "contoso.onmicrosoft.com", "--client-id", "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a" };
    public static string[] SecretFromEnvironment() => new[] { "--client-secret", Environment.GetEnvironmentVariable("CLIENT_SECRET") ?? "" };
    public static string[] Placeholder() => new[] { "--client-secret", "<client-secret>" };
    public static string[] Flags() => new[] { "--password-file", "/run/secrets/db-password" };
    public static AuthenticationHeaderValue BasicFromConfiguration(string user, string password) => new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
    public static AuthenticationHeaderValue BasicPlaceholder() => new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("user:<password>")));
    public static byte[] Salt() => Encoding.UTF8.GetBytes("contoso-incidents-export");
    public static bool SameKind(string? tokenType) => string.Equals(tokenType, "Bearer", StringComparison.OrdinalIgnoreCase);
    public static bool Header(string? apiKeyHeader) => apiKeyHeader == "X-Api-Key";

    // The client secret is read from Defender:ClientSecret (user-secrets in development, a key vault in production).
    // password: see the key vault secret "reporting-password"; token: Bearer.
    // Example: ClientSecret = "<your-client-secret>", ApiKey = "YOUR_API_KEY".
    /// <summary>Signs with the key named by <c>Jwt:Key</c>; the token type is <c>at+jwt</c>.</summary>
    public static void Documented() { }
}
