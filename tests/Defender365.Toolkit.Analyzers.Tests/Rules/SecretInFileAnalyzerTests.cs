using Defender365.Toolkit.Analyzers.Rules;
using Defender365.Toolkit.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;
using Microsoft.CodeAnalysis.Text;

namespace Defender365.Toolkit.Analyzers.Tests.Rules;

/// <summary>DEF3002: secrets in settings and other additional files, located at the value.</summary>
public sealed class SecretInFileAnalyzerTests
{
    private static Task VerifyAsync(string path, string content, params DiagnosticResult[] expected)
    {
        var test = new CSharpAnalyzerTest<SecretInFileAnalyzer, DefaultVerifier>
        {
            ReferenceAssemblies = RuleTest.ReferenceAssemblies,
            TestState = { Sources = { "class Program { }" }, AdditionalFiles = { (path, SourceText.From(content)) } },
        };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    private static DiagnosticResult Def3002(string path, int line, int column, int length, string what) =>
        new DiagnosticResult(SecretInFileAnalyzer.Rule)
            .WithSpan(path, line, column, line, column + length)
            .WithArguments(what, Path.GetFileName(path));

    [Fact]
    public Task Secrets_in_appsettings_are_located_at_the_value() => VerifyAsync("/0/appsettings.json", $$"""
        {
          // Development overrides come from user-secrets.
          "Defender": {
            "ClientId": "5f0e3a43-9b5c-4f2a-9f60-3c1f2b8f6d01",
            "ClientSecret": "{{HardcodedSecretAnalyzerTests.EntraSecret}}",
            "CertificatePassword": "Str0ng!Pass",
            "SecretName": "DefenderClientSecret",
            "TokenEndpoint": "https://login.microsoftonline.com/common/oauth2/v2.0/token",
          },
          "ConnectionStrings": { "Db": "Server=db;User Id=sa;Password=Tr0ub4dor&3;" },
          "Placeholders": { "ClientSecret": "", "ApiKey": "<your-api-key>", "Password": "YOUR_PASSWORD" }
        }
        """,
        Def3002("/0/appsettings.json", 5, 22, 40, "an Entra ID client secret, stored under 'ClientSecret'"),
        Def3002("/0/appsettings.json", 6, 29, 11, "stored under 'CertificatePassword'"),
        Def3002("/0/appsettings.json", 10, 33, 42, "a connection string with a secret, stored under 'Db'"));

    [Fact]
    public Task Env_yaml_and_xml_config_files() => VerifyAsync("/0/deploy.env", """
        # local settings
        CLIENT_ID=5f0e3a43-9b5c-4f2a-9f60-3c1f2b8f6d01
        export CLIENT_SECRET="s3cr3t-V4lue!"
        api_key: k3y-0f-th3-api
        <add key="StoragePassword" value="xml-Pa55-9" />
        SECRET_NAME=DefenderClientSecret
        blob=https://acct.blob.core.windows.net/c?sv=2022-11-02&se=2030-01-01&sr=c&sp=r&sig=0a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8s9T0u1V%3D
        """,
        Def3002("/0/deploy.env", 3, 23, 13, "stored under 'CLIENT_SECRET'"),
        Def3002("/0/deploy.env", 4, 10, 14, "stored under 'api_key'"),
        Def3002("/0/deploy.env", 5, 35, 10, "stored under 'StoragePassword'"),
        Def3002("/0/deploy.env", 7, 6, 126, "a SAS signature, stored under 'blob'"));

    [Fact]
    public Task Manifest_markdown_and_clean_files_report_nothing() => VerifyAsync("/0/appsettings.Development.json", """
        {
          "Logging": { "LogLevel": { "Default": "Information" } },
          "Defender": { "ClientId": "5f0e3a43-9b5c-4f2a-9f60-3c1f2b8f6d01", "ClientSecret": "" },
          "AllowedHosts": "*"
        }
        """);

    [Fact]
    public Task Minified_json_reports_every_pair_on_the_line() => VerifyAsync("/0/appsettings.Production.json",
        """{"a":{"password":"Adm1n!2024","apiKey":"k3y-0f-th3-api","name":"x"}}""",
        Def3002("/0/appsettings.Production.json", 1, 19, 10, "stored under 'password'"),
        Def3002("/0/appsettings.Production.json", 1, 41, 14, "stored under 'apiKey'"));
}
