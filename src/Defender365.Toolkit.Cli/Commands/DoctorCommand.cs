using System.CommandLine;
using System.Text.Json;
using Defender365.Toolkit.Cli.Checks;
using Defender365.Toolkit.Cli.Connection;
using Defender365.Toolkit.Cli.Manifest;
using Defender365.Toolkit.Cli.Output;

namespace Defender365.Toolkit.Cli.Commands;

/// <summary>
/// <c>defender365 doctor</c>: for every customer tenant, sign in as the app and compare the roles its administrator
/// granted with what the manifest declares — consent drift, unconsented apps and unknown tenants, in one table.
/// </summary>
internal static class DoctorCommand
{
    // Read in terminals and pipeline logs, never embedded in HTML: '&' in consent links stays '&' rather than \u0026.
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static Command Create(CliConsole console)
    {
        var manifest = new Option<FileInfo>("--manifest")
        {
            Description = "defender-scopes.json: the permissions every tenant must grant.",
            DefaultValueFactory = _ => new FileInfo("defender-scopes.json"),
        };
        var tenants = new Option<FileInfo>("--tenants") { Description = "A file with one tenant id or domain per line (# comments allowed).", Required = true };
        var parallel = new Option<int>("--parallel") { Description = "How many tenants are checked at once (1 to 64).", DefaultValueFactory = _ => 8 };
        parallel.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 64)
            {
                result.AddError("--parallel must be between 1 and 64.");
            }
        });
        var json = new Option<bool>("--json") { Description = "Write the results as JSON on standard output (progress stays on standard error)." };
        var connection = new AppConnectionOptions();

        var command = new Command("doctor", "Check consent across many tenants: missing and extra roles, unconsented apps, unknown tenants. Exits with 1 when any tenant lacks a declared permission.")
        {
            manifest, tenants, parallel, json,
        };
        connection.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var declared = DeclaredPermissions.Load(parse.GetValue(manifest)!);
            if (declared.ByResource.Count == 0)
            {
                throw new CommandException("The manifest declares no application permission: nothing to check.", ExitCodes.Usage);
            }

            var listed = TenantList.Load(parse.GetValue(tenants)!);
            var tenantIds = listed.Select(t => t.Tenant).ToArray();
            var names = listed.Select(t => t.Name).ToArray();
            var credential = AppConnection.CreateCredential(parse, connection, tenantIds);
            var progress = new Progress(console.Error, tenantIds.Length);
            var reports = new TenantReport[tenantIds.Length];
            await Parallel.ForAsync(0, tenantIds.Length, new ParallelOptions { MaxDegreeOfParallelism = parse.GetValue(parallel), CancellationToken = cancellationToken }, async (i, token) =>
            {
                reports[i] = await TenantCheck.RunAsync(credential, tenantIds[i], declared.ByResource, token).ConfigureAwait(false);
                progress.Done(reports[i]);
            }).ConfigureAwait(false);
            progress.Finish();

            // Nothing answered for any tenant: one sentence, not one per tenant, and "could not check" rather than "found".
            if (reports.Length > 0 && reports.All(r => r.IsUnavailable))
            {
                throw new CommandException($"{reports[0].Message} Nothing was checked for any of the {reports.Length} tenants.", ExitCodes.Unavailable);
            }

            if (parse.GetValue(json))
            {
                console.Out.WriteLine(JsonSerializer.Serialize(ToJson(reports, names), Json));
            }
            else
            {
                WriteTable(console.Out, reports, names);
            }

            return reports.Any(r => r.IsCredentialProblem) ? ExitCodes.Configuration
                : reports.All(r => r.IsHealthy) ? ExitCodes.Success
                : reports.All(r => r.IsHealthy || r.IsUnavailable) ? ExitCodes.Unavailable
                : ExitCodes.Findings;
        });
        return command;
    }

    // The table stays narrow enough for a terminal; links and messages follow it, one per line.
    // names[i] is reports[i]'s name from the tenants file; the NAME column appears when the file names any tenant.
    private static void WriteTable(TextWriter output, IReadOnlyList<TenantReport> reports, IReadOnlyList<string?> names)
    {
        var rows = reports.Select((report, i) => (Report: report, Name: names[i])).ToArray();
        var named = rows.Any(r => r.Name is not null);
        var table = named
            ? new TextTable("TENANT", "NAME", "STATUS", "MISSING", "EXTRA (granted, not declared)")
            : new TextTable("TENANT", "STATUS", "MISSING", "EXTRA (granted, not declared)");
        foreach (var (report, name) in rows)
        {
            string[] cells = named
                ? [report.Tenant, name ?? "-", report.Status, Join(report.Missing), Join(report.Extra)]
                : [report.Tenant, report.Status, Join(report.Missing), Join(report.Extra)];
            table.Add(cells);
        }

        table.WriteTo(output);
        output.WriteLine();
        output.WriteLine($"{reports.Count(r => r.IsHealthy)} of {reports.Count} tenants grant every declared permission.");

        var consents = rows.Where(r => r.Report.ConsentUrl is not null).ToList();
        if (consents.Count > 0)
        {
            output.WriteLine();
            output.WriteLine("Admin consent needed (send each link to the tenant's administrator):");
            foreach (var row in consents)
            {
                output.WriteLine($"  {Label(row)}  {row.Report.ConsentUrl}");
            }
        }

        var failures = rows.Where(r => r.Report.Failure is not null && r.Report.ConsentUrl is null).ToList();
        if (failures.Count > 0)
        {
            output.WriteLine();
            output.WriteLine("Could not sign in:");
            foreach (var row in failures)
            {
                output.WriteLine($"  {Label(row)}  {row.Report.Message}");
            }
        }

        static string Join(IEnumerable<string> items) => items.Any() ? string.Join(", ", items) : "-";
        static string Label((TenantReport Report, string? Name) row) => row.Name is null ? row.Report.Tenant : $"{row.Report.Tenant} ({row.Name})";
    }

    private static object ToJson(IReadOnlyList<TenantReport> reports, IReadOnlyList<string?> names) => new
    {
        healthy = reports.Count(r => r.IsHealthy),
        total = reports.Count,
        tenants = reports.Select((r, i) => new
        {
            tenant = r.Tenant,
            name = names[i],
            status = r.Status,
            missing = r.Missing.ToArray(),
            extra = r.Extra.ToArray(),
            consentUrl = r.ConsentUrl?.AbsoluteUri,
            failure = r.Failure?.ToString(),
            message = r.Message,
            resources = r.Resources.Select(x => new
            {
                resource = x.Resource.Id,
                declared = x.Drift.Declared,
                granted = x.Drift.Granted,
                missing = x.Drift.Missing,
                extra = x.Drift.Extra,
                expiresOn = x.Claims.ExpiresOn,
            }),
        }),
    };

    /// <summary>
    /// Live progress on standard error: one line rewritten in place on a terminal, one line per tenant in a log (where
    /// carriage returns would pile up).
    /// </summary>
    private sealed class Progress(TextWriter error, int total)
    {
        private readonly ProgressLine _line = new(error);
        private int _done;
        private int _problems;

        public void Done(TenantReport report)
        {
            var done = Interlocked.Increment(ref _done);
            var problems = report.IsHealthy ? Volatile.Read(ref _problems) : Interlocked.Increment(ref _problems);
            _line.Report($"Checked {done}/{total} tenants, {problems} with problems", $"[{done}/{total}] {report.Tenant}: {report.Status}");
        }

        public void Finish() => _line.Finish();
    }
}
