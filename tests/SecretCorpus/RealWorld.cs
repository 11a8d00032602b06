// Written after the detector, without tuning for it: shapes seen in real apps, both ways.
using System;
using System.Collections.Generic;
using Corpus.Services;

namespace Corpus.RealWorld;

public static class Positives
{
    public static SmtpOptions Smtp() => new() { Host = "smtp.contoso.com", UserName = "alerts", Password = "Sm7p!Alerts" }; // secret
    public static void Vault(VaultClient vault)
    {
        vault.SetPassword("svc-soc", "V4ult-Pass#1"); // secret
        vault.Store("defender", "St0red-S3cret!"); // secret
        vault.Login("admin", "L0gin!Admin"); // secret
    }

    public static string Mongo = "mongodb://admin:Mong0-Pa55@mongo.contoso.local:27017/soc"; // secret
    public static string Rabbit = "amqp://soc:Rabb1t!Pass@rabbit:5672/"; // secret
    public static string Redis = "redis.contoso.local:6380,password=R3dis-Cache-Key!,ssl=True"; // secret
    public static string Oracle = "Data Source=ora;User Id=soc;Password=0racle#Pw;"; // secret
    public static (string User, string Password) Tuple = ("svc", "Tupl3-Pass!"); // secret
    public static readonly string[] Passwords = { "Arr4y-Pass!1" }; // secret
    public static void SetEnvironment() => Environment.SetEnvironmentVariable("CLIENT_SECRET", "Env-S3cret!9"); // secret
    public static string DefenderSecret { get; } = "Qr78Q~Ab1.Cd2_Ef3-Gh4~Ij5Kl6Mn7Op8Qr9St0Uv"; // secret
    public static string GitHubToken = "ghp_R4nd0mT0k3nV4lu3F0rC0rpus00000001"; // secret
    public static string WebhookSecret = "whsec_9f8e7d6c5b4a3928"; // secret
    public static Dictionary<string, object> Options() => new() { ["password"] = "0bj3ct-Pass!" }; // secret
    public static string Basic = "Authorization: Basic c3ZjOlN1cDNyUzNjcmV0IQ=="; // secret
}

public static class Negatives
{
    public static string PasswordHint = "first pet";
    public static char PasswordChar = '*';
    public const string PasswordRegex = @"^(?=.*\d)(?=.*[a-z]).{8,}$";
    public const string AccessTokenClaim = "access_token";
    public static string SecretsFile = "secrets.json";
    public static string UserSecretsId = "a9b8c7d6-e5f4-4321-9876-543210fedcba";

    [JsonName("client_secret")]
    public static string ClientSecret { get; set; } = "";

    public static string Message(string user) => "Password reset requested for " + user;
    public static string Describe(string kind) => kind switch
    {
        "password" => "A password credential",
        "secret" => "A client secret",
        _ => "Unknown",
    };

    public static string AwsDocs = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    public static string SampleJwtHeader = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9";
    public static string ResetLink = "https://contoso.com/reset-password?user=alerts";
    public static string Sql = "SELECT PasswordHash, PasswordSalt FROM Users WHERE Id = @id";
    public static string TokenKind = "refresh_token";
    public static string GrantType = "password";
    public static string ApiVersion = "2024-06-01-preview";
}
