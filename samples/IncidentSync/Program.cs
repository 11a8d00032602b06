using System.Security.Cryptography;
using Defender365.Toolkit.Authentication;
using Defender365.Toolkit.Emulator;
using Defender365.Toolkit.Http;
using IncidentSync;
using IncidentSync.Defender;

// A worker that keeps every customer tenant's incidents in a SQLite file, each change stored once. With Defender__ClientId,
// Defender__ClientSecret and DEFENDER365_TENANTS (comma-separated) set, it syncs those real tenants; otherwise it starts
// the embedded emulator, whose demo tenants' incidents change every two seconds. Sync:Polls ends it after that many
// polls (0: run until stopped), Sync:Interval spaces them, Sync:Database names the file.
var builder = Host.CreateApplicationBuilder(args);
var settings = SyncSettings.From(builder.Configuration);

var clientId = builder.Configuration["Defender:ClientId"];
var clientSecret = builder.Configuration["Defender:ClientSecret"];
var tenants = builder.Configuration["DEFENDER365_TENANTS"]?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
DefenderEmulator? emulator = null;
DefenderClient client;
if (clientId is not null && clientSecret is not null && tenants.Length > 0)
{
    var credentialOptions = new DefenderAppCredentialOptions();
    foreach (var tenant in tenants)
    {
        credentialOptions.AllowedTenants.Add(tenant);
    }

    client = new DefenderClient(DefenderAppCredential.FromClientSecret(clientId, clientSecret, credentialOptions), new DefenderClientOptions());
}
else
{
    // The emulator's demo secret is made for this run only; its data changes on a schedule, as a live tenant's does.
    var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
    var options = EmulatorOptions.CreateDemo(secret);
    options.ChangeInterval = TimeSpan.FromSeconds(2);
    emulator = await DefenderEmulator.StartAsync(options);
    tenants = [EmulatorOptions.ContosoTenantId, EmulatorOptions.FabrikamTenantId, EmulatorOptions.NorthwindTenantId];
    client = new DefenderClient(DefenderAppCredential.FromClientSecret(EmulatorOptions.DemoClientId, secret, emulator.CreateCredentialOptions(tenants)), emulator.CreateClientOptions());
    Console.WriteLine($"Embedded emulator at {emulator.BaseAddress} (no cloud account needed); its incidents change every 2 s.");
}

builder.Services.AddSingleton(client);
builder.Services.AddSingleton(settings with { Tenants = tenants });
builder.Services.AddSingleton(_ => new IncidentDatabase(settings.Database));
builder.Services.AddHostedService<IncidentSyncWorker>();

try
{
    await builder.Build().RunAsync();
    return Environment.ExitCode;
}
finally
{
    if (emulator is not null)
    {
        await emulator.DisposeAsync();
    }
}
