// Look-alikes: every string here sits where a secret could, and none is one. Any report in this file is a false positive.
using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Http;
using Azure.Identity;
using Microsoft.Identity.Client;

namespace Corpus.LookAlikes;

public static class Placeholders
{
    public const string ClientSecret = "";
    public const string Password = "<your-password>";
    public const string ApiKey = "YOUR_API_KEY";
    public const string AccessToken = "<access-token>";
    public static string secret = "changeme";
    public static string token = "xxx";
    public static string pwd = "********";
    public static string clientSecret = "${CLIENT_SECRET}";
    public static string clientSecret2 = "$(ClientSecret)";
    public static string clientSecret3 = "%CLIENT_SECRET%";
    public static string clientSecret4 = "{{clientSecret}}";
    public static string clientSecret5 = "__CLIENT_SECRET__";
    public static string clientSecret6 = "#{ClientSecret}#";
    public static string password2 = "REPLACE_ME";
    public static string password3 = "TODO";
    public static string password4 = "placeholder-password";
    public static string password5 = "example-password-123";
    public static string password6 = "dummy-pass-1";
    public static string password7 = "[redacted]";
    public static string apiKey = "your-api-key-here";
    public static string apiKey2 = "insert-key-here";
    public static string keyVault = "@Microsoft.KeyVault(SecretUri=https://soc.vault.azure.net/secrets/ClientSecret/)";
    public static string docsSecret = "abc8Q~xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";
    public static string docsSecret2 = "xxx8Q~XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX";
    public static string empty = "Password=;";
    public static object Msal() => ConfidentialClientApplicationBuilder.Create("app").WithClientSecret("<client-secret>").Build();
    public static object Msal2() => ConfidentialClientApplicationBuilder.Create("app").WithClientSecret("").Build();
    public static object AzureId() => new ClientSecretCredential("<tenant-id>", "<client-id>", "<client-secret>");
    public static ICredentials Net() => new NetworkCredential("user", "");
}

public static class NamesOfSecrets
{
    public const string SecretName = "DefenderClientSecret";
    public const string ClientSecretKey = "Defender:ClientSecret";
    public const string PasswordSetting = "Smtp:Password";
    public const string TokenSection = "Defender.Tokens";
    public const string SecretEnvironmentVariable = "DEFENDER365_CLIENT_SECRET";
    public const string ClientSecretParameter = "client_secret";
    public const string PasswordField = "password";
    public const string ApiKeyHeader = "X-Api-Key";
    public const string KeyVaultSecretName = "defender-client-secret";
    public static string secretName = "soc-automation-secret";
    public static string passwordKey = "ConnectionStrings:Db:Password";
    public static string clientSecret = "Defender__ClientSecret";
    public static string tokenVariable = "ACCESS_TOKEN";
    public static string secretPath = "/run/secrets/client_secret";
    public static string secretFile = "secrets/defender.pfx";
    public static string passwordFile = "C:\\secrets\\pwd.txt";

    public static string Lookup(IDictionary<string, string> settings) => settings["Defender:ClientSecret"];
    public static void Form(Dictionary<string, string> form, string secret) => form.Add("client_secret", secret);
}

public static class IdsUrisAndScopes
{
    public static string clientSecret = "b3f1c0de-1111-4222-8333-944455556666";
    public static string secretId = "0c1d2e3f-4a5b-4c6d-8e7f-a0b1c2d3e4f5";
    public static string tokenEndpoint = "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token";
    public static string tokenUrl = "https://login.microsoftonline.com/common/oauth2/token";
    public static string tokenAudience = "https://api.securitycenter.microsoft.com";
    public static string tokenScope = "https://api.security.microsoft.com/.default";
    public static string accessTokenScope = "api://a1b2c3d4-0000-4000-8000-000000000005/.default";
    public static string secretUri = "https://soc.vault.azure.net/secrets/defender";
    public static string passwordResetUrl = "https://passwordreset.microsoftonline.com/";
    public static string tokenIssuer = "https://sts.windows.net/7f1c2a3b-1d2e-4f50-8a6b-0c9d8e7f6a51/";
    public static object Credential() => new ClientSecretCredential("7f1c2a3b-1d2e-4f50-8a6b-0c9d8e7f6a51", "5f0e3a43-9b5c-4f2a-9f60-3c1f2b8f6d01", Environment.GetEnvironmentVariable("CLIENT_SECRET")!);
}

public static class NotSecretsAtAll
{
    public static string tokenType = "Bearer";
    public static string tokenType2 = "urn:ietf:params:oauth:token-type:jwt";
    public static string nextPageToken = "c2tpcD0xMDAmdG9wPTEwMA";
    public static string continuationToken = "eyJza2lwIjoxMDB9";
    public static string skipToken = "X'4453'";
    public static string passwordPrompt = "Enter your password:";
    public static string secretMessage = "The client secret has expired. Create a new one.";
    public static string passwordPolicy = "min-length=12;require-digit";
    public static string passwordPattern = "^(?=.*[A-Z])(?=.*\\d).{12,}$";
    public static string passwordHash = "$2a$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW";
    public static string tokenCacheKey = "tokens-7f1c2a3b";
    public static string certificateThumbprint = "3B1EFD3A66EA28B16697394703A72CA340A05BD5";
    public static string csrfToken = "9f8e7d6c5b4a39281706";
    public static string secretVersion = "2024-06-01";
    public static string passwordLength = "16";
    public static string inputType = "password";
    public static string unsignedJwt = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ0ZXN0In0.";
    public static string storageEmulator = "UseDevelopmentStorage=true";
    public static string azurite = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;";
    public static string trusted = "Server=db;Database=incidents;Trusted_Connection=True;";
    public static string integrated = "Data Source=db;Initial Catalog=soc;Integrated Security=true";
    public static string managedIdentity = "Server=tcp:soc.database.windows.net;Authentication=Active Directory Managed Identity;Database=soc";
    public static string etag = "W/\"datetime'2024-01-01T00%3A00%3A00Z'\"";
    public static string sha = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    public static string base64Image = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";
    public static string machineId = "1e5bc9d7e413ddd7902c2932e418702b84d0cc07";
    public static string tenantId = "7f1c2a3b-1d2e-4f50-8a6b-0c9d8e7f6a51";
    public static string hunting = "DeviceLogonEvents | where ActionType == 'LogonFailed' | summarize count() by AccountName";
    public static string kql = "IdentityLogonEvents | where Protocol == 'Kerberos' and FailureReason == 'WrongPassword'";
    public static string role = "Machine.Isolate";
    public static string permission = "SecurityIncident.ReadWrite.All";
    public static string Greeting(string name) => $"Hello {name}, your session token expires soon.";
    public static string Log(string user) => $"Password changed for {user}";
    public static string Template = "Token acquired for {TenantId} with roles {Roles}";
}

public static class Flow
{
    public static void Compare(string password, string secret)
    {
        if (password == "") { }
        if (password == null) { }
        if (secret == "changeme") { }
        if (password.Length < 12) { }
    }

    public static string Coalesce() => Environment.GetEnvironmentVariable("CLIENT_SECRET") ?? "";
    public static string Fallback(string password) => password ?? string.Empty;
    public static object Client(HttpClient client) => client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Environment.GetEnvironmentVariable("ACCESS_TOKEN"));
}
