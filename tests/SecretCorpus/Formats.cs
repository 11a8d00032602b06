// Secrets recognised by their format, whatever they are called.
using System;

namespace Corpus.Formats;

public static class Values
{
    public static readonly string[] EntraSecrets =
    {
        "Abc8Q~dEf1.GhI2_jKl3-MnO4~pQr5sTu6vWx7yZ", // secret
        "x9Z7Q~Lm2.Np4_Qr6-St8~Uv0Wx1Yz3Ab5Cd7Ef9", // secret
        "kP08Q~a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6q7", // secret
    };

    public const string Value1 = "Qq38Q~Zz9.Yy8_Xx7-Ww6~Vv5Uu4Tt3Ss2Rr1Pp0"; // secret
    public static string Config = "Mh27Q~4kL.9pQ_2wE-7rT~1yU5iO3aS8dF6gH0jK"; // secret

    public const string Jwt1 = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJhdWQiOiJodHRwczovL2FwaS5zZWN1cml0eWNlbnRlci5taWNyb3NvZnQuY29tIiwicm9sZXMiOlsiTWFjaGluZS5SZWFkLkFsbCJdfQ.S1gN4tUr3-0f-Th3-T0k3n_AbCdEfGhIjKlMnOp"; // secret
    public static string Header = "Bearer eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJzb2MtYm90IiwiaWF0IjoxNzAwMDAwMDAwfQ.dBjftJeZ4CVPmB92K27uhbUJU1p1rwW5kkPB1h5YFqw"; // secret

    public const string Storage = "DefaultEndpointsProtocol=https;AccountName=socdata;AccountKey=Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4YWJjZGVmZ2g=;EndpointSuffix=core.windows.net"; // secret
    public const string StorageKey = "q8W7e6R5t4Y3u2I1o0PaSdFgHjKlZxCvBnMqWeRtYuIoPaSdFgHjKlZxCvBnMqWeRtYuIoPaSdFgHjKlZxCvBn=="; // secret
    public const string ServiceBus = "Endpoint=sb://soc-events.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=k9J8h7G6f5D4s3A2p1O0i9U8y7T6r5E4w3Q2="; // secret
    public const string EventHub = "Endpoint=sb://hub.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=AbCdEfGhIjKlMnOpQrStUvWxYz0123456789+/ab=;EntityPath=alerts"; // secret
    public const string SqlServer = "Server=tcp:soc.database.windows.net,1433;Database=incidents;User ID=socadmin;Password=Incid3nt$DB!;Encrypt=True;"; // secret
    public const string Postgres = "Host=pg.contoso.local;Username=app;Password=pg_S3cr3t_99;Database=alerts"; // secret
    public const string MySql = "server=mysql;uid=root;pwd=r00t-Pwd-1;database=soc"; // secret
    public const string Sas = "https://socdata.blob.core.windows.net/exports?sv=2022-11-02&ss=b&srt=co&sp=rl&se=2030-12-31T00:00:00Z&st=2024-01-01T00:00:00Z&spr=https&sig=Jk8%2Bm2Lq9Xr4Tv7Wz1Yb3Nc6Pd0Fg5Hh8Kj2Ml4Qn7%3D"; // secret
    public const string SasToken = "?sv=2021-06-08&ss=bfqt&srt=sco&sp=rwdlacupx&se=2031-01-01T00:00:00Z&sig=aB3dE5gH7jK9mN1pQ3sT5vX7zA9cE1gI3kM5oQ7sU9w%3D"; // secret
    public const string FormBody = "grant_type=client_credentials&client_id=a1b2c3d4-0000-4000-8000-000000000004&client_secret=Fb7.Gc8_Hd9-Ie0Jf1&scope=https%3A%2F%2Fapi.securitycenter.microsoft.com%2F.default"; // secret

    public const string Pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2ZkprPm9ZxWjUHRt2w==\n-----END RSA PRIVATE KEY-----"; // secret
    public const string PemEc = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5oGyvFmWZCnyooAoGCCqGSM49AwEHoUQDQgAEMQ93M5n2Rj1Yqk9Fb3LHW9mPbCc7bOj2EjS1Tw==\n-----END EC PRIVATE KEY-----"; // secret

    public static string Mixed = "Use token eyJhbGciOiJFUzI1NiJ9.eyJ0aWQiOiJmYWJyaWthbSIsImV4cCI6MTcwMDAwMDAwMH0.MEUCIQDx-Sig_Part-0123456789abc for the call"; // secret
}

public static class Forms
{
    public static string Verbatim = @"Server=db;User Id=sa;Password=V3rb@tim!Pass;"; // secret
    public static string Raw = """Server=db;User Id=sa;Password=R4w!String-Pass;"""; // secret
    public static ReadOnlySpan<byte> Utf8 => "Server=db;Uid=sa;Pwd=Utf8-P4ss!;"u8; // secret
    public const string Prefix = "Ab18Q~";
    public const string Concatenated = Prefix + "cD2.eF3_gH4-iJ5~kL6mN7oP8qR9sT0uV1"; // secret
    public const string Interpolated = $"{Prefix}xY2.zA3_bC4-dE5~fG6hI7jK8lM9nO0pQ1"; // secret
    public static string WithHole(string server) => $"Server={server};User Id=sa;Password=H0l3-Pass!;"; // secret
    public static string Appended(string server) => "Server=" + server + ";Password=Appended!Pass9;"; // secret
}

public static class Followed
{
    private const string Value = "F0llow3d-Thr0ugh!";
    private const string Other = "An0ther-F0llow3d";

    public static object Create() => Microsoft.Identity.Client.ConfidentialClientApplicationBuilder.Create("app").WithClientSecret(Value); // secret
    public static object Net() => new System.Net.NetworkCredential("svc", Other); // secret
}
