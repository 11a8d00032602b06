using System.Text.Json;
using Defender365.Toolkit.Cli.Tests.Infrastructure;
using Defender365.Toolkit.Emulator;

namespace Defender365.Toolkit.Cli.Tests;

/// <summary><c>defender365 sync</c> over tenants of the emulator: JSON Lines per tenant, cursors kept, exit codes.</summary>
public sealed class SyncCommandTests(CliEmulatorFixture fixture) : IClassFixture<CliEmulatorFixture>
{
    private const string Contoso = EmulatorOptions.ContosoTenantId;
    private const string Fabrikam = EmulatorOptions.FabrikamTenantId;

    private string Tenants(params string[] lines) => fixture.WriteFile($"tenants-{Guid.NewGuid():N}.txt", string.Join('\n', lines));

    private Task<CliResult> RunAsync(params string[] arguments) =>
        Tool.RunAsync(["sync", .. arguments, .. fixture.EmulatorArguments], fixture.Environment);

    private static string[] Lines(string path) => File.Exists(path) ? File.ReadAllLines(path) : [];

    [Fact]
    public async Task Writes_each_change_once_per_run_and_names_the_tenant_it_could_not_sync()
    {
        var output = Path.Combine(fixture.Directory, "sync-" + Guid.NewGuid().ToString("N"));
        var tenants = Tenants(Contoso, $"{Fabrikam}  Fabrikam", CliEmulatorFixture.UnconsentedTenantId);
        var contosoFile = Path.Combine(output, Contoso, "incidents.jsonl");

        var first = await RunAsync("incidents", "--tenants", tenants, "--out", output);

        // The unconsented tenant fails with its consent link; the others are written.
        Assert.True(first.ExitCode == 1, first.ToString());
        Assert.True(first.Error.Contains($"{CliEmulatorFixture.UnconsentedTenantId}: NotConsented. Consent: {fixture.Emulator.BaseAddress}{CliEmulatorFixture.UnconsentedTenantId}/v2.0/adminconsent", StringComparison.Ordinal), first.ToString());
        Assert.Equal(3, first.Error.Split('\n').Count(l => l.StartsWith('[')));
        var lines = Lines(contosoFile);
        Assert.Equal(30, lines.Length);
        var firstLine = JsonDocument.Parse(lines[0]).RootElement;
        Assert.Equal(firstLine.GetProperty("id").GetString(), firstLine.GetProperty("item").GetProperty("id").GetString());
        Assert.Equal(firstLine.GetProperty("changedAt").GetDateTimeOffset(), firstLine.GetProperty("item").GetProperty("lastUpdateDateTime").GetDateTimeOffset());
        Assert.Equal(30, Lines(Path.Combine(output, Fabrikam, "incidents.jsonl")).Length);
        Assert.True(File.Exists(Path.Combine(output, "cursors", Contoso, "graphsecurity.listincidents.cursor.json")));
        Assert.Contains("60 changes (0 quarantined) from 2 of 3 tenants", first.Output, StringComparison.Ordinal);

        // The next run (from the same folder) writes nothing already written.
        var second = await RunAsync("incidents", "--tenants", Tenants(Contoso), "--out", output);
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Equal(30, Lines(contosoFile).Length);

        // Two incidents change: the run after writes them, as their new versions.
        var changed = fixture.Emulator.Activity.UpdateIncidents(Contoso, 2).Where(c => c.Kind == EmulatorChangeKind.Incident).Select(c => c.Id).Distinct().ToList();
        var third = await RunAsync("incidents", "--tenants", Tenants(Contoso), "--out", output);
        Assert.True(third.ExitCode == 0, third.ToString());
        var added = Lines(contosoFile).Skip(30).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("id").GetString()).ToList();
        Assert.Equal(changed.Order(), added.Order());
    }

    [Fact]
    public async Task The_Defender_APIs_on_request_and_a_missing_permission_named()
    {
        var output = Path.Combine(fixture.Directory, "sync-" + Guid.NewGuid().ToString("N"));

        // Contoso granted Defender for Endpoint alerts, not Graph alerts.
        var defender = await RunAsync("alerts", "--api", "defender", "--tenants", Tenants(Contoso), "--out", output);
        Assert.True(defender.ExitCode == 0, defender.ToString());
        Assert.NotEmpty(Lines(Path.Combine(output, Contoso, "alerts.defender.jsonl")));
        Assert.False(File.Exists(Path.Combine(output, Contoso, "alerts.jsonl")));

        var graph = await RunAsync("alerts", "--tenants", Tenants(Contoso), "--out", Path.Combine(output, "graph"));
        Assert.True(graph.ExitCode == 1, graph.ToString());
        Assert.Contains($"{Contoso}: MissingPermission (SecurityAlert.Read.All).", graph.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_api_name_is_a_usage_error()
    {
        var result = await RunAsync("incidents", "--api", "mde", "--tenants", Tenants(Contoso), "--out", fixture.Directory);
        Assert.True(result.ExitCode == 2, result.ToString());
    }
}
