using System.Security.Cryptography;
using Defender365.Toolkit.Emulator;

// Runs the emulator with the demo tenants until Ctrl+C (or until standard input closes, when started by a program).
var port = 0;
var incidents = 30;
string? certificateOut = null;
for (var i = 0; i < args.Length; i++)
{
    if (args[i] == "--port" && i + 1 < args.Length && int.TryParse(args[i + 1], out var p))
    {
        port = p;
        i++;
    }
    else if (args[i] == "--incidents" && i + 1 < args.Length && int.TryParse(args[i + 1], out var n) && n >= 0)
    {
        incidents = n;
        i++;
    }
    else if (args[i] == "--certificate-out" && i + 1 < args.Length)
    {
        certificateOut = args[++i];
    }
    else
    {
        Console.WriteLine("Usage: dotnet run --project src/Defender365.Toolkit.Emulator [-- --port <n>] [--incidents <per tenant>] [--certificate-out <file.pem>]");
        return args[i] is "--help" or "-h" ? 0 : 2;
    }
}

// The demo secret is made per run, or taken from DEFENDER365_EMULATOR_SECRET to keep it stable across runs.
var secret = Environment.GetEnvironmentVariable("DEFENDER365_EMULATOR_SECRET") is { Length: > 0 } fixedSecret
    ? fixedSecret
    : Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
var options = EmulatorOptions.CreateDemo(secret);
options.Port = port;
options.IncidentsPerTenant = incidents;

await using var emulator = await DefenderEmulator.StartAsync(options);
var certificatePath = certificateOut ?? Path.Combine(Path.GetTempPath(), $"defender365-emulator-{emulator.BaseAddress.Port}.pem");
await File.WriteAllTextAsync(certificatePath, emulator.Certificate.ExportCertificatePem());

Console.WriteLine($"Defender365 emulator listening on {emulator.BaseAddress}");
Console.WriteLine();
Console.WriteLine($"App (client) id : {EmulatorOptions.DemoClientId}");
Console.WriteLine($"Client secret   : {secret}   (emulator only; set DEFENDER365_EMULATOR_SECRET to choose it)");
Console.WriteLine("Tenants:");
foreach (var tenant in options.Tenants)
{
    var grants = tenant.Consents.Values.SelectMany(r => r.Select(kv => $"{kv.Key}: {string.Join(", ", kv.Value)}"));
    Console.WriteLine($"  {tenant.TenantId}  {tenant.DisplayName,-18} {string.Join(" | ", grants)}");
}

Console.WriteLine();
Console.WriteLine("Point a client at it:");
Console.WriteLine($"  authority host : {emulator.BaseAddress}  (token endpoint {emulator.BaseAddress}<tenant>/oauth2/v2.0/token)");
Console.WriteLine($"  API base URL   : {emulator.BaseAddress}  (Defender XDR /api, Defender for Endpoint /api, Graph /v1.0)");
Console.WriteLine($"  TLS            : self-signed; pin SHA-256 {emulator.Certificate.GetCertHashString(HashAlgorithmName.SHA256)}");
Console.WriteLine($"                   (certificate written to {certificatePath})");
Console.WriteLine();
Console.WriteLine("Press Ctrl+C to stop.");

var stop = new TaskCompletionSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.TrySetResult();
};
if (Console.IsInputRedirected)
{
    // Started by another program: stop when it closes our standard input (or exits).
    _ = Task.Run(async () =>
    {
        while (await Console.In.ReadLineAsync() is not null)
        {
        }

        stop.TrySetResult();
    });
}

await stop.Task;
return 0;
