using System.Security.Cryptography;
using Defender365.Toolkit.Authentication;
using Defender365.Toolkit.Emulator;
using Defender365.Toolkit.Http;
using MultiTenantSoc;
using MultiTenantSoc.Defender;

// With Defender__ClientId, Defender__ClientSecret (the configuration keys Defender:ClientId and Defender:ClientSecret a
// hosted app reads) and DEFENDER365_TENANTS (comma-separated) set, the sample talks to those real tenants. Otherwise it
// starts the embedded emulator with three demo tenants.
using var cancellation = new CancellationTokenSource(TimeSpan.FromMinutes(2));
var clientId = Environment.GetEnvironmentVariable("Defender__ClientId");
var clientSecret = Environment.GetEnvironmentVariable("Defender__ClientSecret");
var tenants = Environment.GetEnvironmentVariable("DEFENDER365_TENANTS")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

DefenderEmulator? emulator = null;
DefenderAppCredential credential;
DefenderClientOptions clientOptions;
if (clientId is not null && clientSecret is not null && tenants is { Length: > 0 })
{
    var credentialOptions = new DefenderAppCredentialOptions();
    foreach (var tenant in tenants)
    {
        credentialOptions.AllowedTenants.Add(tenant);
    }

    credential = DefenderAppCredential.FromClientSecret(clientId, clientSecret, credentialOptions);
    clientOptions = new DefenderClientOptions();
}
else
{
    // The emulator's demo secret is made for this run only.
    var demoSecret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
    emulator = await DefenderEmulator.StartAsync(EmulatorOptions.CreateDemo(demoSecret), cancellation.Token);
    tenants = [EmulatorOptions.ContosoTenantId, EmulatorOptions.FabrikamTenantId, EmulatorOptions.NorthwindTenantId];
    credential = DefenderAppCredential.FromClientSecret(EmulatorOptions.DemoClientId, demoSecret, emulator.CreateCredentialOptions(tenants));
    clientOptions = emulator.CreateClientOptions();
    Console.WriteLine($"Embedded emulator at {emulator.BaseAddress} (no cloud account needed).");
    Console.WriteLine();
}

try
{
    var connector = new SocConnector(new DefenderClient(credential, clientOptions), Console.Out);
    var succeeded = 0;
    foreach (var tenant in tenants)
    {
        if (await connector.RunAsync(tenant, cancellation.Token))
        {
            succeeded++;
        }

        Console.WriteLine();
    }

    Console.WriteLine($"{succeeded} of {tenants.Length} tenants fully served.");
    return 0;
}
finally
{
    if (emulator is not null)
    {
        await emulator.DisposeAsync();
    }
}
