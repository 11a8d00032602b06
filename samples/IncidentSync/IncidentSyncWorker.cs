using Defender365.Toolkit.FanOut;
using IncidentSync.Defender;

namespace IncidentSync;

/// <summary>
/// Polls every tenant's Graph incidents on a schedule, a few tenants at once, and stores each page's changes with the
/// cursor in one SQLite transaction. A tenant that fails (no consent, throttled, down) is logged with what to do, and the
/// others go on.
/// </summary>
internal sealed partial class IncidentSyncWorker(DefenderClient client, IncidentDatabase database, SyncSettings settings, IHostApplicationLifetime lifetime, ILogger<IncidentSyncWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(settings.Interval);
        for (var poll = 1; settings.Polls == 0 || poll <= settings.Polls; poll++)
        {
            var summary = await client.ForTenants(settings.Tenants).RunAllAsync(async (tenant, cancellationToken) =>
            {
                var sync = tenant.GraphSecurity.Incidents.SyncIncidents(database);
                return await sync.PollPagesAsync((changes, _) => new ValueTask(database.StorePageAsync(sync.Key, changes)), cancellationToken);
            }, stoppingToken);

            foreach (var result in summary.Results)
            {
                if (result.Succeeded)
                {
                    Polled(logger, poll, result.TenantId, result.Value!.Delivered, result.Value.Quarantined);
                }
                else
                {
                    Failed(logger, poll, result.TenantId, result.Outcome, result.MissingPermission ?? result.ErrorCode ?? "-", result.AdminConsentUrl?.AbsoluteUri ?? "-");
                }
            }

            if (settings.Polls != 0 && poll == settings.Polls)
            {
                break;
            }

            await timer.WaitForNextTickAsync(stoppingToken);
        }

        foreach (var (tenant, incidents, quarantined) in database.Counts())
        {
            Stored(logger, tenant, incidents, quarantined);
        }

        lifetime.StopApplication();
    }

    [LoggerMessage(1, LogLevel.Information, "Poll {Poll}: tenant {Tenant}: {Changes} changes stored ({Quarantined} quarantined).")]
    private static partial void Polled(ILogger logger, int poll, string tenant, int changes, int quarantined);

    [LoggerMessage(2, LogLevel.Warning, "Poll {Poll}: tenant {Tenant} not synced: {Outcome} ({Detail}); consent link: {ConsentUrl}.")]
    private static partial void Failed(ILogger logger, int poll, string tenant, DefenderTenantOutcome outcome, string detail, string consentUrl);

    [LoggerMessage(3, LogLevel.Information, "Stored for tenant {Tenant}: {Incidents} incidents, {Quarantined} quarantined.")]
    private static partial void Stored(ILogger logger, string tenant, long incidents, long quarantined);
}
