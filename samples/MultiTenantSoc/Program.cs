using System.Security.Cryptography;
using Defender365.Toolkit.Authentication;
using Defender365.Toolkit.Catalog;
using Defender365.Toolkit.Emulator;
using Defender365.Toolkit.Http;
using MultiTenantSoc;
using MultiTenantSoc.Defender;

// With Defender__ClientId, Defender__ClientSecret (the configuration keys Defender:ClientId and Defender:ClientSecret a
// hosted app reads) and DEFENDER365_TENANTS (comma-separated) set, the sample talks to those real tenants. Otherwise it
// starts the embedded emulator with three demo tenants. With Defender__Redis__Configuration set as well, tokens are
// shared through Redis as a scaled-out connector's instances share them (SharedTokens.cs).
using var cancellation = new CancellationTokenSource(TimeSpan.FromMinutes(2));
var clientId = Environment.GetEnvironmentVariable("Defender__ClientId");
var clientSecret = Environment.GetEnvironmentVariable("Defender__ClientSecret");
var tenants = Environment.GetEnvironmentVariable("DEFENDER365_TENANTS")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

var shared = SharedTokens.FromEnvironment(demo: clientId is null || clientSecret is null || tenants is not { Length: > 0 });
DefenderEmulator? emulator = null;
var demoSecret = string.Empty;
DefenderAppCredential credential;
DefenderClientOptions clientOptions;
if (clientId is not null && clientSecret is not null && tenants is { Length: > 0 })
{
    var credentialOptions = new DefenderAppCredentialOptions { SharedTokenCache = shared?.CreateCache() };
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
    demoSecret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
    emulator = await DefenderEmulator.StartAsync(EmulatorOptions.CreateDemo(demoSecret), cancellation.Token);
    tenants = [EmulatorOptions.ContosoTenantId, EmulatorOptions.FabrikamTenantId, EmulatorOptions.NorthwindTenantId];
    var credentialOptions = emulator.CreateCredentialOptions(tenants);
    credentialOptions.SharedTokenCache = shared?.CreateCache();
    credential = DefenderAppCredential.FromClientSecret(EmulatorOptions.DemoClientId, demoSecret, credentialOptions);
    clientOptions = emulator.CreateClientOptions();
    Console.WriteLine($"Embedded emulator at {emulator.BaseAddress} (no cloud account needed).");
    if (shared is not null)
    {
        Console.WriteLine($"Tokens shared through Redis at {shared.Endpoints}.");
    }

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

    if (emulator is not null && shared is not null)
    {
        // A second instance of the connector, as a scale-out starts one: its tokens come from Redis, not the token service.
        var before = emulator.Statistics.TotalTokenRequests;
        var secondOptions = emulator.CreateCredentialOptions(tenants);
        secondOptions.SharedTokenCache = shared.CreateCache();
        var second = DefenderAppCredential.FromClientSecret(EmulatorOptions.DemoClientId, demoSecret, secondOptions);
        foreach (var tenant in tenants)
        {
            await second.GetTokenAsync(tenant, DefenderResourceIds.MicrosoftGraph, cancellation.Token);
        }

        Console.WriteLine($"A second instance got the {tenants.Length} tenants' Graph tokens with {emulator.Statistics.TotalTokenRequests - before} more token requests.");
    }

    return 0;
}
finally
{
    if (emulator is not null)
    {
        await emulator.DisposeAsync();
    }
}
