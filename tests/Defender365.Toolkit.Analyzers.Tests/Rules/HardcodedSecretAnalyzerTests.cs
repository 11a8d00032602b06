using Defender365.Toolkit.Analyzers.Rules;
using Defender365.Toolkit.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis.Testing;

namespace Defender365.Toolkit.Analyzers.Tests.Rules;

/// <summary>
/// DEF3001: secrets in C# by format anywhere, or handed to a library's credential parameter. DEF3003: generated-looking
/// values under a name the project chose. Placeholders and names are not secrets.
/// </summary>
public sealed class HardcodedSecretAnalyzerTests
{
    // Shaped like the real ones, made up here. Split so this file itself holds no secret-shaped literal.
    internal const string EntraSecret = "Zx3" + "8Q~" + "k2Jd.Hf_93nLpQ0w-TtXr7Va1Bc~Yz5mN4";
    internal const string Jwt = "eyJhbGciOiJSUzI1NiJ9" + ".eyJhdWQiOiJhcGk6Ly94In0" + ".c2lnbmF0dXJlLWJ5dGVzLWhlcmUtMDEyMzQ1Njc4OQ";

    // MSAL, Azure.Identity and ADAL shapes, stubbed in their own namespaces: the rule goes by parameter names.
    private const string Stubs = """
        namespace Microsoft.Identity.Client
        {
            public class ConfidentialClientApplicationBuilder
            {
                public static ConfidentialClientApplicationBuilder Create(string clientId) => new();
                public ConfidentialClientApplicationBuilder WithClientSecret(string clientSecret) => this;
            }
        }
        namespace Azure.Identity
        {
            public class ClientSecretCredential { public ClientSecretCredential(string tenantId, string clientId, string clientSecret) { } }
        }
        namespace Microsoft.IdentityModel.Clients.ActiveDirectory
        {
            public class ClientCredential { public ClientCredential(string clientId, string clientSecret) { } }
        }
        """;

    private static Task VerifyAsync(string source, params DiagnosticResult[] expected) => VerifyAsync(source, editorConfig: null, expected);

    private static Task VerifyAsync(string source, string? editorConfig, params DiagnosticResult[] expected) =>
        RuleTest.For<HardcodedSecretAnalyzer>(source, Stubs).WithGlobalConfig(editorConfig).Expect(expected).RunAsync();

    private static DiagnosticResult Def3001(int markup, string what) =>
        new DiagnosticResult(HardcodedSecretAnalyzer.Rule).WithLocation(markup).WithArguments(what);

    private static DiagnosticResult Def3003(int markup, string what) =>
        new DiagnosticResult(HardcodedSecretAnalyzer.NameOnlyRule).WithLocation(markup).WithArguments(what);

    [Fact]
    public Task Empty_file_and_compliant_code_report_nothing() => VerifyAsync("""
        using System;
        using Microsoft.Identity.Client;
        class C
        {
            void Run()
            {
                var secret = Environment.GetEnvironmentVariable("Defender__ClientSecret") ?? throw new InvalidOperationException("Set the Defender__ClientSecret environment variable (the configuration key Defender:ClientSecret).");
                ConfidentialClientApplicationBuilder.Create("5f0e3a43-9b5c-4f2a-9f60-3c1f2b8f6d01").WithClientSecret(secret);
            }
        }
        """);

    [Fact]
    public Task Credential_sinks_take_no_literal() => VerifyAsync(""""
        using System.Net;
        using Microsoft.Identity.Client;
        class C
        {
            void Run()
            {
                ConfidentialClientApplicationBuilder.Create("app").WithClientSecret({|#0:"s3cr3t-V4lue!"|});
                _ = new Azure.Identity.ClientSecretCredential("tenant", "client", {|#1:@"Pa55w0rd#2024"|});
                _ = new Microsoft.IdentityModel.Clients.ActiveDirectory.ClientCredential("client", {|#2:"""
                    r4w-St1ng=Secret
                    """|});
                _ = new NetworkCredential("svc", {|#3:"hunter2hunter2"|});
                _ = new NetworkCredential { UserName = "svc", Password = {|#4:"Str0ng!Pass"|} };
            }
        }
        """",
        Def3001(0, "passed as 'clientSecret' to 'WithClientSecret'"),
        Def3001(1, "passed as 'clientSecret' to 'ClientSecretCredential'"),
        Def3001(2, "passed as 'clientSecret' to 'ClientCredential'"),
        Def3001(3, "passed as 'password' to 'NetworkCredential'"),
        Def3001(4, "assigned to 'NetworkCredential.Password'"));

    [Fact]
    public Task Secret_named_fields_properties_locals_parameters_and_keys() => VerifyAsync("""
        using System;
        using System.Collections.Generic;
        class Settings
        {
            private const string ApiKey = {|#0:"k3y-0f-th3-api"|};
            public string ClientSecret { get; set; } = {|#1:"abc123def456"|};
            public string DbPassword => {|#2:"pw-99a81-x"|};
            static void Connect(string password = {|#3:"d3fault-pw-1"|}) { }
            void Run(string? fromEnvironment)
            {
                var accessToken = {|#4:"tok_live_51Habc"|};
                var clientSecret = fromEnvironment ?? {|#5:"fallb4ck-Secret-1"|};
                var form = new Dictionary<string, string>
                {
                    ["grant_type"] = "client_credentials",
                    ["client_secret"] = {|#6:"f0rm-s3cret"|},
                };
                form.Add("ClientSecret", {|#7:"add3d-0123"|});
                _ = new KeyValuePair<string, string>("password", {|#8:"kv-p4ss-77"|});
                if (fromEnvironment == {|#9:"let-me-in-99"|}) { }
            }
            string password = "";
            bool Check() => password == {|#10:"Adm1n!2024"|};
        }
        """,
        Def3003(0, "assigned to 'ApiKey'"),
        Def3003(1, "assigned to 'ClientSecret'"),
        Def3003(2, "returned by 'DbPassword'"),
        Def3003(3, "default value of 'password'"),
        Def3003(4, "assigned to 'accessToken'"),
        Def3003(5, "assigned to 'clientSecret'"),
        Def3003(6, "assigned to 'client_secret'"),
        Def3003(7, "stored under 'ClientSecret'"),
        Def3003(8, "stored under 'password'"),
        Def3003(10, "compared with 'password'"));

    [Fact]
    public Task Under_a_chosen_name_only_values_that_look_generated_are_reported() => VerifyAsync("""
        class Constants
        {
            // Names, counters, protocol digit-words, units and dates under secret-sounding names: the classes production
            // libraries keep there.
            public const string TableEncryptionKeyDetails = "_ClientEncryptionMetadata1";
            public const string RefreshTokenSecret2 = "someRT2";
            public const string AccessTokenSecret3 = "some-access-token2";
            public const string HardwareTokenString = "URI:urn:oasis:names:tc:SAML:1.0:am:HardwareToken";
            public const string TokenHashAlgorithm = "Sha256Hash";
            public const string TokenFormat = "Base64UrlEncoded";
            public const string SkipTokenParameter = "$skiptoken";
            public const string TokenLifetime = "100ms";
            public const string TokenIssuedOn = "2026-01-31T10:00:00Z";
            public const string PasswordVersion = "ApiV2Password";
            // Digits between letters, symbols beside two kinds of character, digit groups, random case.
            public const string ApiKey = {|#0:"k3y-0f-th3-api"|};
            public const string AdminPassword = {|#1:"Summer!2026"|};
            public const string MasterKey = {|#2:"Mk-0192-8374-6556"|};
            public const string AccessToken = {|#3:"kNtaUiGpIpatEJcvPjjeJeRvtQRxFAoCR"|};
            public const string ApiToken = {|#4:"tok_51Habcdef"|};
        }
        """,
        Def3003(0, "assigned to 'ApiKey'"),
        Def3003(1, "assigned to 'AdminPassword'"),
        Def3003(2, "assigned to 'MasterKey'"),
        Def3003(3, "assigned to 'AccessToken'"),
        Def3003(4, "assigned to 'ApiToken'"));

    [Fact]
    public Task A_library_credential_parameter_is_evidence_the_projects_own_is_a_name() => VerifyAsync("""
        namespace Contoso.Vault { public class VaultClient { public void Login(string user, string password) { } } }
        class C
        {
            void Run(Contoso.Vault.VaultClient vault, Microsoft.Identity.Client.ConfidentialClientApplicationBuilder builder)
            {
                // A library says its parameter is a secret: an error, even for a word and a number.
                _ = new System.Net.NetworkCredential("svc", {|#0:"Summer2026"|});
                builder.WithClientSecret({|#1:"legacy-secret-2019"|});
                // The project's own method: a name chosen here, reported only when the value looks generated.
                vault.Login("admin", "Summer2026");
                vault.Login("admin", {|#2:"L0gin!Admin"|});
            }
        }
        """,
        Def3001(0, "passed as 'password' to 'NetworkCredential'"),
        Def3001(1, "passed as 'clientSecret' to 'WithClientSecret'"),
        Def3003(2, "passed as 'password' to 'Login'"));

    [Fact]
    public Task Tuple_elements_take_the_name_they_land_in() => VerifyAsync("""
        class C
        {
            (string Id, string Secret) pair = ("5f0e3a43-9b5c-4f2a-9f60-3c1f2b8f6d01", {|#0:"tup1e-Secret-1"|});
            void Run()
            {
                var (user, password) = ("admin", {|#1:"Tr0ub4dor-3"|});
                string clientId, clientSecret;
                (clientId, clientSecret) = ("app", {|#2:"assigned-S3cret"|});
                (string name, string apiKey) = ("svc", {|#3:"k3y-0f-tuple"|});
                var named = (user: "admin", pwd: {|#4:"n4med-pwd-7"|});
                var plain = ("admin", "not-named-1");
                (string Name, string SecretName) about = ("Defender", "DefenderClientSecret");
            }
        }
        """,
        Def3003(0, "assigned to 'Secret'"),
        Def3003(1, "assigned to 'password'"),
        Def3003(2, "assigned to 'clientSecret'"),
        Def3003(3, "assigned to 'apiKey'"),
        Def3003(4, "assigned to 'pwd'"));

    [Fact]
    public Task Known_formats_are_secrets_wherever_they_stand() => VerifyAsync($$"""
        class C
        {
            static readonly string[] Values =
            {
                {|#0:"{{EntraSecret}}"|},
                {|#1:"{{Jwt}}"|},
                {|#2:"DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=q1w2e3r4t5y6u7i8o9p0AbCdEfGh==;EndpointSuffix=core.windows.net"|},
                {|#3:"Server=db;Database=app;User Id=sa;Password=Tr0ub4dor&3;"|},
                {|#4:"grant_type=client_credentials&client_id=app&client_secret=Qm9vLWJvby1zZWNyZXQ"|},
                {|#5:"https://acct.blob.core.windows.net/c?sv=2022-11-02&se=2030-01-01&sr=c&sp=r&sig=0a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8s9T0u1V%3D"|},
                {|#6:"-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKjMzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvuNMoSfm76oqFvAp8Gy0iz5sxjZmSnXyCdPEovGhLa0VzMaQ8s+CLOyS56YyCFGeJZ\n-----END PRIVATE KEY-----"|},
                {|#7:"Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey=AbCdEf0123456789+/xyzXYZ="|},
            };
        }
        """,
        Def3001(0, "an Entra ID client secret"),
        Def3001(1, "a signed JWT"),
        Def3001(2, "a connection string with a secret"),
        Def3001(3, "a connection string with a secret"),
        Def3001(4, "a client_secret form field"),
        Def3001(5, "a SAS signature"),
        Def3001(6, "a PEM private key"),
        Def3001(7, "a connection string with a secret"));

    [Fact]
    public Task Utf8_interpolated_and_concatenated_constants_are_taken_whole() => VerifyAsync($$"""
        using System;
        class C
        {
            const string Prefix = "Zx3";
            void Run(string server)
            {
                ReadOnlySpan<byte> clientSecret = {|#0:"s3cr3t-u7f8-bytes"u8|};
                const string joined = {|#1:Prefix + "8Q~" + "k2Jd.Hf_93nLpQ0w-TtXr7Va1Bc~Yz5mN4"|};
                const string interpolated = {|#2:$"{Prefix}8Q~k2Jd.Hf_93nLpQ0w-TtXr7Va1Bc~Yz5mN4"|};
                var connection = $"Server={server};" + {|#3:"Password=Tr0ub4dor&3;"|};
                var connection2 = $"Server={server}{|#4:;Password=Tr0ub4dor&3;|}";
            }
        }
        """,
        Def3003(0, "assigned to 'clientSecret'"),
        Def3001(1, "an Entra ID client secret"),
        Def3001(2, "an Entra ID client secret"),
        Def3001(3, "a connection string with a secret"),
        Def3001(4, "a connection string with a secret"));

    [Fact]
    public Task Constants_under_harmless_names_are_followed_to_the_sink() => VerifyAsync("""
        using Microsoft.Identity.Client;
        class C
        {
            const string Value = "s3cr3t-V4lue!";
            void Run()
            {
                const string local = "an0ther-V4lue";
                ConfidentialClientApplicationBuilder.Create("app").WithClientSecret({|#0:Value|});
                ConfidentialClientApplicationBuilder.Create("app").WithClientSecret({|#1:local|});
            }
        }
        """,
        Def3001(0, "passed as 'clientSecret' to 'WithClientSecret', through constant 'Value'"),
        Def3001(1, "passed as 'clientSecret' to 'WithClientSecret', through constant 'local'"));

    [Fact]
    public Task Placeholders_names_ids_uris_and_scopes_are_not_secrets() => VerifyAsync("""
        using System;
        using System.Collections.Generic;
        using Microsoft.Identity.Client;
        class C
        {
            const string SecretName = "DefenderClientSecret";
            const string ClientSecretKey = "Defender:ClientSecret";
            const string TokenEndpoint = "https://login.microsoftonline.com/common/oauth2/v2.0/token";
            string clientSecret = "";
            string password = "<your-secret>";
            string apiKey = "YOUR_CLIENT_SECRET";
            string token = "changeme";
            string secret = "xxx";
            string secret2 = "xxxxxxxxxxxxxxxxxxxx";
            string clientSecret3 = "${CLIENT_SECRET}";
            string clientSecret4 = "@Microsoft.KeyVault(SecretUri=https://v.vault.azure.net/secrets/s)";
            string tokenType = "Bearer-token";
            string passwordPrompt = "Enter your password:";
            string secretId = "b3f1c0de-1111-4222-8333-944455556666";
            string accessTokenScope = "https://api.securitycenter.microsoft.com/.default";
            string nextPageToken = "c2tpcD0xMDA";
            const string HardcodedSecret = "DEF3001";
            const string InvalidClientSecret = "AADSTS7000215";
            void Run(Dictionary<string, string> form)
            {
                form["grant_type"] = "client_credentials";
                form.Add("client_id", "5f0e3a43-9b5c-4f2a-9f60-3c1f2b8f6d01");
                var clientSecret = "5f0e3a43-9b5c-4f2a-9f60-3c1f2b8f6d01";
                ConfidentialClientApplicationBuilder.Create("5f0e3a43-9b5c-4f2a-9f60-3c1f2b8f6d01").WithClientSecret("<client-secret>");
                Console.WriteLine("client_secret");
                var unsigned = "eyJhbGciOiJub25lIn0.eyJzdWIiOiIxMjM0In0.";
                var connection = "Server=db;Database=app;Trusted_Connection=True;Password=;";
                var storage = "UseDevelopmentStorage=true";
                var docs = "abc8Q~xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";
                // The published Azurite key, by format and under a secret name.
                var azurite = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;";
                const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
            }
        }
        """);

    [Fact]
    public Task Options_add_names_exclude_names_add_placeholders_and_turn_off_formats() => VerifyAsync($$"""
        class C
        {
            string pin = {|#0:"48a7-1193"|};
            string testPassword = "Pa55-for-tests";
            string password = "local-dev-only-1";
            string anything = "{{EntraSecret}}";
        }
        """,
        """
        DEF3001.secret_names = pin, otp
        DEF3001.excluded_names = TestPassword
        DEF3001.placeholders = local-dev-only-1
        DEF3001.known_formats = false
        """,
        Def3003(0, "assigned to 'pin'"));

    [Fact]
    public Task Minimum_length_is_configurable() => VerifyAsync("""
        class C
        {
            string password = "ab12";
            string apiKey = {|#0:"k3y-0f-th3-api"|};
        }
        """,
        "DEF3001.minimum_length = 12",
        Def3003(0, "assigned to 'apiKey'"));

    [Fact]
    public Task Keys_handed_to_key_types_headers_and_byte_conversions_are_found() => VerifyAsync("""
        namespace Azure { public class AzureKeyCredential { public AzureKeyCredential(string key) { } } }
        class C
        {
            static readonly byte[] SigningKey = System.Text.Encoding.UTF8.GetBytes({|#0:"s1gn1ng-K3y-f0r-t0kens-2026"|});
            void Run(System.Security.Cryptography.Aes aes, System.Net.Http.HttpRequestMessage request)
            {
                aes.Key = System.Convert.FromBase64String({|#1:"kQ9+vL3x/Ym2Wc8zR5tN1pJ4hG7fD0sA6eB3uI9oK2w="|});
                request.Headers.Add("Ocp-Apim-Subscription-Key", {|#2:"7c1e9a4b2d8f4e6a9b3c5d7e1f2a4b6c"|});
                _ = new Azure.AzureKeyCredential({|#3:"Zk3mQ8pL2vX9rT4wY7nB1cD6"|});
                aes.IV = System.Convert.FromBase64String("AAECAwQFBgcICQoLDA0ODw==");
            }
        }
        """,
        Def3003(0, "assigned to 'SigningKey'"),
        Def3001(1, "assigned to 'SymmetricAlgorithm.Key'"),
        Def3003(2, "stored under 'Ocp-Apim-Subscription-Key'"),
        Def3001(3, "passed as 'key' to 'AzureKeyCredential'"));

    [Fact]
    public Task Values_that_move_before_they_land_are_followed() => VerifyAsync("""
        using System;
        using System.Collections.Generic;
        using System.Net.Http.Headers;
        using System.Text;
        using Microsoft.Identity.Client;
        class C
        {
            void Run(ConfidentialClientApplicationBuilder builder, string user, string password, string? apiKey)
            {
                // string.Concat is folded like +.
                builder.WithClientSecret({|#0:string.Concat("Kx4.Vb7_", "Nm2-Qw9Lp3")|});
                _ = string.Concat("Defender", ":", "ClientSecret");
                // A value takes the name of the command-line flag before it.
                string[] arguments = { "--tenant", "contoso", "--client-secret", {|#1:"Rf4.Tg5_Yh6-Uj7Ik8"|} };
                List<string> switches = ["--password-file", "/run/secrets/db"];
                // user:password encoded for a Basic header.
                _ = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes({|#2:"svc-reports:Rp7-Xq2!mK"|})));
                _ = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));
                _ = Convert.ToBase64String(Encoding.UTF8.GetBytes("user:<password>"));
                // Equals compares like ==.
                _ = apiKey!.Equals({|#3:"ak-7Hq2Lm9Pz4Xw"|});
                _ = string.Equals(apiKey, {|#4:"5c8e1a9f3b7d4e6a"|}, StringComparison.Ordinal);
                _ = string.Equals(user, "5c8e1a9f3b7d4e6a");
                // A string inside a call inside a concatenation is judged on its own, where it lands.
                _ = "signed in: " + Login("admin", {|#5:"L0gin!Admin"|});
            }

            static string Login(string user, string password) => user;
        }
        """,
        Def3001(0, "passed as 'clientSecret' to 'WithClientSecret'"),
        Def3003(1, "given after '--client-secret'"),
        Def3001(2, "HTTP Basic credentials"),
        Def3003(3, "compared with 'apiKey'"),
        Def3003(4, "compared with 'apiKey'"),
        Def3003(5, "passed as 'password' to 'Login'"));

    [Fact]
    public Task A_digest_under_a_hash_name_is_not_a_storage_key() => VerifyAsync("""
        class C
        {
            const string ContentHash = "MgA6QN+AQy4/NZqu6lRKuMLlXgiP65i98cnBKIKl1zJdfWI+9WOLjcboUHzq85wIP6TvbXjGVhZDzhohMw2x7Q==";
            const string Backup = {|#0:"MgA6QN+AQy4/NZqu6lRKuMLlXgiP65i98cnBKIKl1zJdfWI+9WOLjcboUHzq85wIP6TvbXjGVhZDzhohMw2x7Q=="|};
        }
        """,
        Def3001(0, "a storage account key"));

    [Fact]
    public Task Credentials_of_other_services_are_found_by_their_format_under_any_name() => VerifyAsync("""
        class C
        {
            string a = {|#0:"ghp_kNtaU4i5GpIpatEJc2vPjjeJeRvtQRxFAoCR"|};
            string b = {|#1:"https://maps.googleapis.com/maps/api/geocode/json?key=AIzaoKHtAj1f94udnD8O0w2INYBaITfIdLYZ1jZ"|};
            string c = {|#2:"AKIAR2GRBXAXUGX93MC4"|};
            string d = "AKIAIOSFODNN7EXAMPLE";
            string e = "ghp_short";
        }
        """,
        Def3001(0, "a GitHub token"),
        Def3001(1, "a Google API key"),
        Def3001(2, "an AWS access key"));

    [Fact]
    public async Task Message_never_repeats_the_secret()
    {
        await RuleTest.For<HardcodedSecretAnalyzer>($$"""class C { string clientSecret = {|#0:"{{EntraSecret}}"|}; string password = {|#1:"Str0ng!Pass"|}; }""")
            .Expect(Def3001(0, "an Entra ID client secret"), Def3003(1, "assigned to 'password'"))
            .RunAsync();

        foreach (var (rule, argument) in new[] { (HardcodedSecretAnalyzer.Rule, "an Entra ID client secret"), (HardcodedSecretAnalyzer.NameOnlyRule, "assigned to 'password'") })
        {
            var message = string.Format(System.Globalization.CultureInfo.InvariantCulture, rule.MessageFormat.ToString(System.Globalization.CultureInfo.InvariantCulture), argument);
            Assert.DoesNotContain(EntraSecret, message, StringComparison.Ordinal);
            Assert.DoesNotContain("Str0ng!Pass", message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public Task Generated_code_is_skipped() => VerifyAsync("""
        // <auto-generated/>
        class C { string password = "Str0ng!Pass"; }
        """);
}
