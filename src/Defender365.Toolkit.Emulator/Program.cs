using System.Security.Cryptography;
using Defender365.Toolkit.Emulator;

using System.Runtime.InteropServices;

// Runs the emulator with the demo tenants until Ctrl+C or SIGTERM, as 'defender365 emulator' does (and with
// --stop-when-input-closes also when standard input closes: for a program that starts it and wants it gone with it).
var port = 0;
var incidents = 30;
TimeSpan? changeInterval = null;
string? certificateOut = null;
string? faultsFile = null;
var stopWhenInputCloses = false;
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
    else if (args[i] == "--changes-every" && i + 1 < args.Length && double.TryParse(args[i + 1], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds >= 0.1 && seconds <= 86400)
    {
        changeInterval = TimeSpan.FromSeconds(seconds);
        i++;
    }
    else if (args[i] == "--certificate-out" && i + 1 < args.Length)
    {
        certificateOut = args[++i];
    }
    else if (args[i] == "--faults" && i + 1 < args.Length)
    {
        faultsFile = args[++i];
    }
    else if (args[i] == "--stop-when-input-closes")
    {
        stopWhenInputCloses = true;
    }
    else
    {
        Console.WriteLine("Usage: dotnet run --project src/Defender365.Toolkit.Emulator [-- --port <n>] [--incidents <per tenant>] [--changes-every <seconds>] [--certificate-out <file.pem>] [--faults <profile.json>] [--stop-when-input-closes]");
        Console.WriteLine("The demo app's client secret is DEFENDER365_EMULATOR_SECRET when set, else made for the run and printed.");
        return args[i] is "--help" or "-h" ? 0 : 2;
    }
}

EmulatorFaultProfile? profile = null;
if (faultsFile is not null)
{
    try
    {
        profile = EmulatorFaultProfile.Load(faultsFile);
    }
    catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException)
    {
        Console.Error.WriteLine($"error: {e.Message}");
        return 2;
    }
}

// The demo secret is made per run, or taken from DEFENDER365_EMULATOR_SECRET to keep it stable across runs.
var secret = Environment.GetEnvironmentVariable("DEFENDER365_EMULATOR_SECRET") is { Length: > 0 } fixedSecret
    ? fixedSecret
    : Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
var options = EmulatorOptions.CreateDemo(secret);
options.Port = port;
options.IncidentsPerTenant = incidents;
options.ChangeInterval = changeInterval;

DefenderEmulator started;
try
{
    started = await DefenderEmulator.StartAsync(options);
}
catch (EmulatorPortInUseException e)
{
    // One line and the way out, as 'defender365 emulator' says it (exit 4: nothing could be started).
    Console.Error.WriteLine($"error: {e.Message}");
    return 4;
}

await using var emulator = started;
emulator.Faults.Apply(profile);
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
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stop.TrySetResult();
});
if (stopWhenInputCloses)
{
    // Not by default: a background job's or a CI step's input is often /dev/null, which reads as closed at once.
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
