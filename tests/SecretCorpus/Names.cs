// Secrets stored under names that say so.
using System;
using System.Text;

namespace Corpus.Names;

public class Settings
{
    private const string ClientSecret = "Rf4.Tg5_Yh6-Uj7Ik8"; // secret
    private const string AdminPassword = "Adm1n!Str4tor"; // secret
    private static readonly string ApiKey = "key-7f6e5d4c3b2a1908"; // secret
    private string password = "Tr0ub4dor&3"; // secret
    private string _dbPassword = "pg-P@ss-2023"; // secret
    private string pwd = "H3ll0W0rld!"; // secret
    private string passphrase = "gr33n-Apple-Sky"; // secret
    private string accessKey = "AKIA4QZ7EXMPL3R5T8YU"; // secret
    private string secretKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCY"; // secret
    private string privateKey = "MIIBVgIBADANBgkqhkiG9w0BAQEFAASC"; // secret
    private string signingKey = "sk_live_4eC39HqLyjWDarjtT1zdp7dc"; // secret
    private string authToken = "ghp_16C7e42F292c6912E7710c838347Ae178B4a"; // secret
    private string bearerToken = "ya29.a0AfH6SMBx-3kQ"; // secret
    private string refreshToken = "0.AAAA-rt-7Hq2Lm9Pz"; // secret
    private string sharedKey = "N2Q4ZjZlMGItYzNhMS00"; // secret
    private string accountKey = "c3RvcmFnZS1rZXktMDEy"; // secret

    public string Password { get; set; } = "P@ssw0rd!23"; // secret
    public string ClientSecretValue { get; init; } = "Zq8.Xw7_Ec6-Rv5Tb4"; // secret
    public string Token { get; } = "tkn_92hf83hf92hf83"; // secret
    public string Credentials { get; set; } = "svc:Sup3rS3cret"; // secret
    public string DbPassword => "R3portDb!Pass"; // secret
    public string GetApiKey() => "4pi-K3y-19283746"; // secret
    public string MasterKey { get; } = "Mk-0192-8374-6556"; // secret

    public void Locals()
    {
        var secret = "Sx4.Dc5_Fv6-Gb7Hn8"; // secret
        string password2 = "Qwerty!234"; // secret
        var clientSecret = "Ty6.Uh7_Ij8-Ok9Pl0"; // secret
        var connectionPassword = "C0nn-P4ss-77"; // secret
        var userPwd = "Us3r_Pwd!9"; // secret
        string apiToken = "at-8g7f6e5d4c3b"; // secret
        Console.WriteLine(secret + password2 + clientSecret + connectionPassword + userPwd + apiToken);
    }

    public void Assignments()
    {
        password = "N3wP@ssword"; // secret
        Password = "An0th3r!Pass"; // secret
        _dbPassword = Environment.GetEnvironmentVariable("DB_PASSWORD") ?? "F@llb4ck-Pass"; // secret
        var debug = Environment.GetEnvironmentVariable("DEBUG") is not null;
        pwd = debug ? "D3bug-Pwd!" : Environment.GetEnvironmentVariable("PWD")!; // secret
    }

    public static void Connect(string user, string password = "D3fault!Pwd") { } // secret

    public bool Check(string password) => password == "L3tM3In!Now"; // secret

    public ReadOnlySpan<byte> ClientSecretBytes => "Utf8-S3cret-Bytes"u8; // secret
}

public record ServiceOptions(string Endpoint, string ApiKey)
{
    public static ServiceOptions Production { get; } = new("https://api.contoso.com", "pk_prod_7Hq2Lm9Pz4Xw"); // secret
}

public class Anonymous
{
    public object Body() => new { client_id = "app", client_secret = "An0n-S3cret-Obj" }; // secret
}
