// An app written the right way: secrets come from configuration, the environment or a certificate. Must build clean.
using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Http;
using Defender365.Toolkit.Authentication;
using Microsoft.Identity.Client;

namespace Corpus.Compliant;

public sealed class DefenderSettings
{
    public const string SectionName = "Defender";
    public string ClientId { get; set; } = "";
    public string ClientSecret { get; set; } = "";
    public string? CertificatePath { get; set; }
    public string TokenEndpoint { get; set; } = "https://login.microsoftonline.com/{0}/oauth2/v2.0/token";
    public IList<string> Tenants { get; } = new List<string>();
}

public static class Startup
{
    private const string ClientSecretVariable = "Defender__ClientSecret";

    public static DefenderSettings Load(IDictionary<string, string?> configuration)
    {
        var settings = new DefenderSettings
        {
            ClientId = configuration["Defender:ClientId"] ?? throw new InvalidOperationException("Set Defender:ClientId."),
            ClientSecret = configuration["Defender:ClientSecret"] ?? Environment.GetEnvironmentVariable(ClientSecretVariable) ?? "",
        };
        if (settings.ClientSecret.Length == 0 && settings.CertificatePath is null)
        {
            throw new InvalidOperationException("Set Defender:ClientSecret (user-secrets or environment) or Defender:CertificatePath.");
        }

        return settings;
    }

    public static object Credential(DefenderSettings settings) =>
        DefenderAppCredential.FromClientSecret(settings.ClientId, settings.ClientSecret);

    public static object Msal(DefenderSettings settings, string tenantId) =>
        ConfidentialClientApplicationBuilder.Create(settings.ClientId)
            .WithTenantId(tenantId)
            .WithClientSecret(settings.ClientSecret)
            .Build();

    public static HttpContent TokenRequest(DefenderSettings settings) => new FormUrlEncodedContent(new Dictionary<string, string>
    {
        ["grant_type"] = "client_credentials",
        ["client_id"] = settings.ClientId,
        ["client_secret"] = settings.ClientSecret,
        ["scope"] = "https://api.securitycenter.microsoft.com/.default",
    });

    public static ICredentials Proxy() => new NetworkCredential(
        Environment.GetEnvironmentVariable("PROXY_USER") ?? "",
        Environment.GetEnvironmentVariable("PROXY_PASSWORD") ?? "");

    public static string Describe(DefenderSettings settings) =>
        $"Client {settings.ClientId}, secret {(settings.ClientSecret.Length > 0 ? "set" : "not set")}, token endpoint {settings.TokenEndpoint}";
}
