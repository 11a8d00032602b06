using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;
using Defender365.Toolkit.Emulator;

namespace Defender365.Toolkit.Tests.Samples;

/// <summary>
/// The IncidentSync sample's one command, run twice over one database as a restarted worker is: the first run stores
/// every incident, the second goes on from the stored cursors instead of storing them all again.
/// </summary>
public sealed class IncidentSyncSampleTests
{
    private static readonly string[] Tenants = [EmulatorOptions.ContosoTenantId, EmulatorOptions.FabrikamTenantId, EmulatorOptions.NorthwindTenantId];

    [Fact]
    public async Task The_worker_stores_every_incident_once_and_a_restart_goes_on_from_the_stored_cursors()
    {
        var folder = Path.Combine(Path.GetTempPath(), "incident-sync-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var first = await RunSampleAsync(folder);
            var second = await RunSampleAsync(folder);

            foreach (var tenant in Tenants)
            {
                // Every seeded incident in the first poll (and one the emulator may create as it starts); later polls bring its changes.
                Assert.InRange(Changes(first, 1, tenant), 30, 32);
                Assert.True(Changes(second, 1, tenant) < 30, second);

                // The database holds each incident once: the seeded 30 and those the emulator created meanwhile.
                Assert.InRange(Stored(second, tenant), 30, 60);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static int Changes(string output, int poll, string tenant) =>
        int.Parse(Regex.Match(output, $@"Poll {poll}: tenant {tenant}: (\d+) changes stored").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

    private static int Stored(string output, string tenant) =>
        int.Parse(Regex.Match(output, $@"Stored for tenant {tenant}: (\d+) incidents").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<string> RunSampleAsync(string folder)
    {
        var sample = typeof(IncidentSyncSampleTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "IncidentSyncAssemblyPath").Value!;
        Assert.True(File.Exists(sample), $"The sample was not built at {sample}.");
        var start = new ProcessStartInfo("dotnet", [sample, "--Sync:Polls=3", "--Sync:Interval=00:00:02"]) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        // Real credentials in the environment would point the sample at real tenants; the test wants the emulator.
        start.Environment.Remove("Defender__ClientId");
        start.Environment.Remove("Defender__ClientSecret");
        start.Environment.Remove("DEFENDER365_TENANTS");
        var (exitCode, text, errors) = await TestProcess.RunAsync(start, TimeSpan.FromMinutes(2));
        Assert.True(exitCode == 0, text + errors);
        return text;
    }
}
