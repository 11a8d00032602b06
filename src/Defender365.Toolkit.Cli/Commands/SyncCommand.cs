using System.CommandLine;
using System.Diagnostics.Metrics;
using System.Text.Json;
using Defender365.Toolkit.Catalog;
using Defender365.Toolkit.Cli.Connection;
using Defender365.Toolkit.Cli.Output;
using Defender365.Toolkit.Diagnostics;
using Defender365.Toolkit.FanOut;
using Defender365.Toolkit.Http;
using Defender365.Toolkit.Serialization;
using Defender365.Toolkit.Sync;

namespace Defender365.Toolkit.Cli.Commands;

/// <summary>
/// <c>defender365 sync alerts|incidents</c>: one incremental poll of every listed tenant, appending each change as a JSON
/// line to <c>{out}/{tenant}/{collection}.jsonl</c> and keeping the cursors in <c>{out}/cursors</c>, so the next run
/// writes only what changed since.
/// </summary>
internal static class SyncCommand
{
    public static Command Create(CliConsole console)
    {
        var command = new Command("sync", "Poll every tenant's alerts or incidents once and append what changed since the last run as JSON Lines, one file per tenant. Exits with 1 when a tenant could not be synced.");
        foreach (var collection in Collections)
        {
            command.Add(CreateCollection(console, collection));
        }

        return command;
    }

    // The collection, then the catalog operation for each API: Graph (the default) or the Defender APIs.
    private static readonly (string Name, string Description, string Graph, string Defender)[] Collections =
    [
        ("alerts", "Sync alerts: Graph alerts_v2, or Defender for Endpoint alerts with --api defender.", "GraphSecurity.ListAlertsV2", "ListAlerts"),
        ("incidents", "Sync incidents: Graph incidents, or Defender XDR incidents with --api defender.", "GraphSecurity.ListIncidents", "ListIncidents"),
    ];

    private static Command CreateCollection(CliConsole console, (string Name, string Description, string Graph, string Defender) collection)
    {
        var tenants = new Option<FileInfo>("--tenants") { Description = "A file with one tenant id or domain per line (# comments allowed).", Required = true };
        var output = new Option<DirectoryInfo>("--out") { Description = "The folder for the JSON Lines files and the cursors; the next run goes on from it.", Required = true };
        var api = new Option<string>("--api") { Description = "graph (default) or defender (the Defender XDR and Defender for Endpoint APIs).", DefaultValueFactory = _ => "graph" };
        api.AcceptOnlyFromAmong("graph", "defender");
        var parallel = new Option<int>("--parallel") { Description = "How many tenants are synced at once (1 to 64).", DefaultValueFactory = _ => 8 };
        parallel.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 64)
            {
                result.AddError("--parallel must be between 1 and 64.");
            }
        });
        var overlap = new Option<int>("--overlap-minutes") { Description = "How far before the newest change each poll asks again, for changes indexed late (1 to 1440).", DefaultValueFactory = _ => 10 };
        overlap.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 1440)
            {
                result.AddError("--overlap-minutes must be between 1 and 1440.");
            }
        });
        var connection = new AppConnectionOptions();
        var command = new Command(collection.Name, collection.Description) { tenants, output, api, parallel, overlap };
        connection.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var listed = TenantList.Load(parse.GetValue(tenants)!);
            var tenantIds = listed.Select(t => t.Tenant).ToArray();
            var folder = parse.GetValue(output)!;
            var defenderApi = parse.GetValue(api) == "defender";
            var operation = DefenderCatalog.Default.GetOperation(defenderApi ? collection.Defender : collection.Graph);

            // The two APIs send different shapes: never in one file (incidents.jsonl, incidents.defender.jsonl).
            var fileName = collection.Name + (defenderApi ? ".defender" : string.Empty) + ".jsonl";
            var credential = AppConnection.CreateCredential(parse, connection, tenantIds);
            var invoker = new DefenderOperationInvoker(credential, AppConnection.CreateClientOptions(parse, connection));
            var store = new DefenderSyncFileStore(Path.Combine(folder.FullName, "cursors"));
            var options = new DefenderSyncOptions { Overlap = TimeSpan.FromMinutes(parse.GetValue(overlap)) };

            using var progress = new SyncProgress(console.Error, tenantIds.Length);
            var fanOut = new DefenderTenantFanOut<string>(tenantIds, t => t, new DefenderFanOutOptions { MaxConcurrency = parse.GetValue(parallel) });
            var summary = await fanOut.RunAllAsync(
                async (tenant, token) =>
                {
                    var sync = invoker.GetSync(operation, tenant, DefenderJson.JsonElementTypeInfo, store, options);

                    // Beside the cursors' tenant folder name: a tenant id that is no plain GUID or domain is hashed there too.
                    var tenantFolder = Path.GetFileName(Path.GetDirectoryName(store.CursorPath(sync.Key)))!;
                    var writer = new ChangeFile(Path.Combine(folder.FullName, tenantFolder, fileName));
                    try
                    {
                        var poll = await sync.PollPagesAsync((changes, _) =>
                        {
                            writer.Append(changes);
                            progress.Delivered(changes.Count);
                            return ValueTask.CompletedTask;
                        }, token).ConfigureAwait(false);
                        progress.Done(poll.ToString());
                        return poll;
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        progress.Done($"{tenant}: failed ({e.GetType().Name})");
                        throw;
                    }
                },
                cancellationToken).ConfigureAwait(false);
            progress.Finish();

            foreach (var failed in summary.Results.Where(r => !r.Succeeded))
            {
                var hint = failed.AdminConsentUrl is { } link ? $" Consent: {link}" : failed.RetryAfter is { } wait ? $" Try again in {wait}." : string.Empty;
                console.Error.WriteLine($"{failed.TenantId}: {failed.Outcome}{Detail(failed)}.{hint}");
            }

            var succeeded = summary.Results.Where(r => r.Succeeded).Select(r => r.Value!).ToList();
            console.Out.WriteLine($"{succeeded.Sum(p => p.Delivered)} changes ({succeeded.Sum(p => p.Quarantined)} quarantined) from {succeeded.Count} of {summary.Results.Count} tenants into {folder.FullName}.");
            var busy = succeeded.Count(p => p.LeaseHeldElsewhere);
            if (busy > 0)
            {
                console.Out.WriteLine($"{busy} tenants were skipped: another sync into the same folder holds their cursor.");
            }

            return summary.Results.Any(r => r.Outcome == DefenderTenantOutcome.CredentialRejected) ? ExitCodes.Configuration
                : summary.Results.All(r => r.Outcome is DefenderTenantOutcome.Unavailable) ? ExitCodes.Unavailable
                : summary.Results.All(r => r.Succeeded) ? ExitCodes.Success
                : ExitCodes.Findings;
        });
        return command;
    }

    // What to act on: the permission, the status and code of a service error, or the failure's own sentence (the
    // toolkit's messages carry no secret); a consent link or a wait is added after it.
    private static string Detail(DefenderTenantResult<DefenderSyncPoll> result) => result.Outcome switch
    {
        DefenderTenantOutcome.NotConsented or DefenderTenantOutcome.Throttled => string.Empty,
        DefenderTenantOutcome.MissingPermission => $" ({result.MissingPermission})",
        _ when result.Status is > 0 => $" ({result.Status}{(result.ErrorCode is { } code ? " " + code : string.Empty)})",
        _ => result.Exception is { } e ? $" ({e.Message.TrimEnd('.')})" : string.Empty,
    };

    /// <summary>
    /// Appends changes to a tenant's JSON Lines file, one object per change, flushed before the cursor is saved: a
    /// crash can repeat lines, never lose one.
    /// </summary>
    private sealed class ChangeFile(string path)
    {
        private static readonly JsonWriterOptions Options = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

        public void Append(IReadOnlyList<DefenderSyncItem<JsonElement>> changes)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            using var file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
            using (var json = new Utf8JsonWriter(file, Options))
            {
                foreach (var change in changes)
                {
                    json.WriteStartObject();
                    json.WriteString("id", change.Id);
                    if (change.ChangedAt is { } changedAt)
                    {
                        json.WriteString("changedAt", changedAt);
                    }
                    else
                    {
                        json.WriteNull("changedAt");
                    }

                    if (change.IsQuarantined)
                    {
                        json.WriteString("quarantined", change.QuarantineReason);
                    }

                    json.WritePropertyName("item");
                    change.Raw.WriteTo(json);
                    json.WriteEndObject();
                    json.Flush();
                    json.Reset();
                    file.WriteByte((byte)'\n');
                }
            }

            file.Flush(flushToDisk: true);
        }
    }

    /// <summary>
    /// Tenants done, changes written and 429 answers (from the toolkit's own throttle metric) on one rewritten line on a
    /// terminal; a plain line per tenant when standard error is redirected (CI logs).
    /// </summary>
    private sealed class SyncProgress : IDisposable
    {
        private readonly ProgressLine _line;
        private readonly int _total;
        private readonly MeterListener _throttles = new();
        private int _done;
        private long _changes;
        private long _throttled;

        public SyncProgress(TextWriter error, int total)
        {
            _line = new ProgressLine(error);
            _total = total;
            _throttles.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == DefenderTelemetry.Name && instrument.Name == "defender365.http.throttles")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _throttles.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _throttled, value));
            _throttles.Start();
        }

        public void Delivered(int changes) => Interlocked.Add(ref _changes, changes);

        public void Done(string poll)
        {
            var done = Interlocked.Increment(ref _done);
            _line.Report($"Synced {done}/{_total} tenants, {Interlocked.Read(ref _changes)} changes, {Interlocked.Read(ref _throttled)} throttled answers", $"[{done}/{_total}] {poll}");
        }

        public void Finish()
        {
            var throttled = Interlocked.Read(ref _throttled);
            _line.Finish(throttled > 0 ? $"{throttled} answers were 429 (throttled) and were waited for." : null);
        }

        public void Dispose() => _throttles.Dispose();
    }
}
