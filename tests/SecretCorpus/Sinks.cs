// Secrets passed to credential APIs, form bodies and configuration keys.
using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Http;
using Azure.Identity;
using Defender365.Toolkit.Authentication;
using Microsoft.Data.SqlClient;
using Microsoft.Identity.Client;

namespace Corpus.Sinks;

public static class Msal
{
    public static object Build(string clientId, string tenantId) =>
        ConfidentialClientApplicationBuilder.Create(clientId)
            .WithTenantId(tenantId)
            .WithClientSecret("9f3kLm2-Qw8zTx7vB1nR4yH6") // secret
            .Build();

    public static object Second() => ConfidentialClientApplicationBuilder.Create("a1b2c3d4-0000-4000-8000-000000000001").WithClientSecret("Tz8.pK3mN9_xQ2wR7vL5") // secret
        .Build();

    public static object Third() => ConfidentialClientApplicationBuilder.Create("app").WithClientSecret(@"v3rb@tim-S3cret") // secret
        .Build();
}

public static class AzureIdentity
{
    public static object Create() => new ClientSecretCredential("contoso.onmicrosoft.com", "a1b2c3d4-0000-4000-8000-000000000002", "Kj4mP9xQ2wZ7vB3nL8rT"); // secret
    public static object Named() => new ClientSecretCredential(tenantId: "t", clientId: "c", clientSecret: "Yh5.Bn2_Mk8-Lp0Qz3"); // secret
    public static object User() => new UsernamePasswordCredential("soc-bot@contoso.com", "Winter2025!Soc", "t", "c"); // secret
}

public static class Adal
{
    public static object Create() => new Microsoft.IdentityModel.Clients.ActiveDirectory.ClientCredential("app-id", "Xq7wE3rT9yU1iO5pA2sD"); // secret
}

public static class Toolkit
{
    public static object Create() => DefenderAppCredential.FromClientSecret("a1b2c3d4-0000-4000-8000-000000000003", "pR7-vX2kQ9mZ4wL8nB"); // secret
}

public static class Network
{
    public static ICredentials Basic() => new NetworkCredential("svc-defender", "Pa$$w0rd2024"); // secret
    public static ICredentials Domain() => new NetworkCredential("svc", "S0cB0t#Pass", "CONTOSO"); // secret
    public static ICredentials Initializer() => new NetworkCredential { UserName = "svc", Password = "hX9!kQ2@mW4" }; // secret

    public static void Proxy(HttpClientHandler handler)
    {
        handler.Credentials = new NetworkCredential("proxy-user", "Pr0xy-P4ss"); // secret
    }
}

public static class Sql
{
    public static SqlConnectionStringBuilder Builder() => new()
    {
        DataSource = "db.contoso.local",
        UserID = "app",
        Password = "Db!Passw0rd77", // secret
    };
}

public static class Forms
{
    public static HttpContent TokenRequest(string clientId) => new FormUrlEncodedContent(new Dictionary<string, string>
    {
        ["grant_type"] = "client_credentials",
        ["client_id"] = clientId,
        ["client_secret"] = "Lk2.Jh8_Gf5-Ds1Aq9", // secret
        ["scope"] = "https://api.securitycenter.microsoft.com/.default",
    });

    public static HttpContent Pairs(string clientId) => new FormUrlEncodedContent(new[]
    {
        new KeyValuePair<string, string>("grant_type", "client_credentials"),
        new KeyValuePair<string, string>("client_id", clientId),
        new KeyValuePair<string, string>("client_secret", "Mn4Bv7Cx1Zl0Kj3Hg6"), // secret
    });

    public static Dictionary<string, string> Collection() => new()
    {
        { "grant_type", "client_credentials" },
        { "client_secret", "Qa1Ws2Ed3Rf4Tg5Yh6" }, // secret
    };

    public static void Add(Dictionary<string, string> body)
    {
        body.Add("client_secret", "Uj7Ik8Ol9Pz0Xs1Dc2"); // secret
        body.Add("password", "B3ar!Trap-99"); // secret
        body["ApiKey"] = "ak_9d8f7g6h5j4k3l2"; // secret
    }

    public static void Headers(HttpRequestMessage request)
    {
        request.Headers.Add("X-Api-Key", "z9Y8x7W6v5U4t3S2r1Q0"); // secret
    }
}

public static class Configuration
{
    public static void Seed(IDictionary<string, string?> settings)
    {
        settings["Defender:ClientSecret"] = "Hn3.Gb6_Vf9-Cd2Xs5"; // secret
        settings["AzureAd:ClientSecret"] = "Op0Lk9Ij8Uh7Yg6Tf5"; // secret
        settings["Smtp:Password"] = "M@ilS3nd3r!"; // secret
    }
}
