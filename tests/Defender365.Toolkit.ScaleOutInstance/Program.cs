using System.Diagnostics;
using Defender365.Toolkit.Authentication;
using Defender365.Toolkit.Authorization;
using Defender365.Toolkit.Catalog;
using Defender365.Toolkit.Emulator;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

// One instance of a scaled-out app, wired as a hosted app is: AddDefenderClient and AddDefenderRedis from the
// configuration (environment variables Defender__…), trusting the emulator's certificate from its PEM file.
//   Defender365.Toolkit.ScaleOutInstance <tenants file> <emulator certificate PEM> <start folder>
// It writes "ready-<pid>" into the start folder, waits for a file named "go" there (so every instance starts at once),
// gets a Defender XDR token for each tenant of the file, 32 at a time, and prints what it got. Exit code 0 when every
// token was served and was the requested tenant's.
if (args.Length != 3)
{
    Console.Error.WriteLine("usage: Defender365.Toolkit.ScaleOutInstance <tenants file> <emulator certificate PEM> <start folder>");
    return 2;
}

var (tenantsFile, certificatePath, startFolder) = (args[0], args[1], args[2]);
var tenants = await File.ReadAllLinesAsync(tenantsFile);
var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
var services = new ServiceCollection()
    .AddDefenderClient(configuration.GetSection("Defender"))
    .AddDefenderRedis(configuration.GetSection("Defender:Redis"))
    .TrustDefenderEmulator(DefenderEmulator.LoadCertificate(certificatePath));
await using var provider = services.BuildServiceProvider();
var credential = provider.GetRequiredService<DefenderAppCredential>();

await File.WriteAllTextAsync(Path.Combine(startFolder, $"ready-{Environment.ProcessId}"), string.Empty);
var waited = Stopwatch.StartNew();
while (!File.Exists(Path.Combine(startFolder, "go")))
{
    if (waited.Elapsed > TimeSpan.FromMinutes(2))
    {
        Console.Error.WriteLine("no start signal within 2 minutes");
        return 3;
    }

    await Task.Delay(10);
}

var (served, failed, wrongTenant) = (0, 0, 0);
await Parallel.ForEachAsync(tenants, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (tenant, cancellationToken) =>
{
    try
    {
        var token = await credential.GetTokenAsync(tenant, DefenderResourceIds.ThreatProtection, cancellationToken);
        Interlocked.Increment(ref AccessTokenClaims.Parse(token.Token).TenantId == tenant ? ref served : ref wrongTenant);
    }
    catch (DefenderAuthenticationException exception)
    {
        Interlocked.Increment(ref failed);
        Console.Error.WriteLine($"{tenant}: {exception.Failure}");
    }
});

Console.WriteLine($"served {served} failed {failed} wrong-tenant {wrongTenant}");
return served == tenants.Length ? 0 : 1;
