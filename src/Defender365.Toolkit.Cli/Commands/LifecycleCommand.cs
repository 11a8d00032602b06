using System.CommandLine;
using System.Reflection;
using Defender365.Toolkit.Analyzers.Catalog;
using Defender365.Toolkit.Cli.Output;
using Defender365.Toolkit.Cli.Scanning;

namespace Defender365.Toolkit.Cli.Commands;

/// <summary>
/// <c>defender365 lifecycle</c>: every call of a project to an operation Microsoft is retiring or has retired (DEF5001),
/// and with <c>--include-at-risk</c> to an at-risk one (DEF5002), with the date, the replacement and the manifest change.
/// </summary>
internal static class LifecycleCommand
{
    public static Command Create(CliConsole console)
    {
        var target = new Argument<FileSystemInfo?>("project-or-folder")
        {
            Description = "The project file or folder to read (C# files and defender-scopes.json, recursively; bin, obj and .git are skipped). Default: the current folder.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var atRisk = new Option<bool>("--include-at-risk") { Description = "Also list calls to operations at risk of retirement (no date announced; DEF5002)." };
        var sarif = new Option<FileInfo?>("--sarif") { Description = "Also write the calls as SARIF 2.1.0 to this file (for code-scanning services)." };

        var command = new Command("lifecycle", "List the calls of a project to operations Microsoft is retiring, with dates, replacements and the manifest change (DEF5001; DEF5002 with --include-at-risk). Exits with 1 when a call to a retiring or retired operation is found.")
        {
            target, atRisk, sarif,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var folder = parse.GetValue(target) switch
            {
                null => new DirectoryInfo(Environment.CurrentDirectory),
                FileInfo { Exists: true } project => project.Directory!,
                DirectoryInfo { Exists: true } directory => directory,
                var other => throw new CommandException($"Neither a project file nor a folder: {other.FullName}", ExitCodes.Usage),
            };

            var result = await FolderLifecycleScan.RunAsync(folder, parse.GetValue(atRisk), cancellationToken).ConfigureAwait(false);
            Write(console.Out, result);
            if (parse.GetValue(sarif) is { } sarifFile)
            {
                await using var stream = File.Create(sarifFile.FullName);
                SarifLog.Write(stream, result.Scan, typeof(LifecycleCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0", "defender365 lifecycle");
            }

            var retiring = result.Calls.Count(c => c.Lifecycle.Status != LifecycleStatus.AtRisk);
            console.Error.WriteLine($"Read {result.Scan.CSharpFiles} C# files: {retiring} call(s) to retiring or retired operations, {result.Calls.Count - retiring} to at-risk ones.");
            return retiring > 0 ? ExitCodes.Findings : ExitCodes.Success;
        });
        return command;
    }

    private static void Write(TextWriter output, LifecycleScanResult result)
    {
        if (result.Calls.Count == 0)
        {
            return;
        }

        var table = new TextTable("CALL", "OPERATION", "STATUS", "REPLACEMENT", "IT NEEDS");
        foreach (var call in result.Calls)
        {
            var start = call.Finding.Position.StartLinePosition;
            table.Add(
                $"{Path.GetRelativePath(result.Scan.Folder, call.Finding.Position.Path)}({start.Line + 1},{start.Character + 1})",
                call.Operation.Id,
                call.Lifecycle.Status switch
                {
                    LifecycleStatus.Retiring => $"retiring {call.Lifecycle.Date}",
                    LifecycleStatus.Retired => $"retired {call.Lifecycle.Date}",
                    _ => "at risk, no date",
                },
                call.Lifecycle.Replacement ?? "none",
                call.ReplacementPermission is { } permission ? $"{permission} on {call.ReplacementResource}" : "-");
        }

        table.WriteTo(output);

        // The manifest change that lets every listed call move: what to declare, and what can go once nothing needs it.
        var additions = result.Calls.Where(c => c.ReplacementPermission is not null)
            .Select(c => (Resource: c.ReplacementResource!, Permission: c.ReplacementPermission!)).Distinct()
            .OrderBy(p => p.Resource, StringComparer.Ordinal).ThenBy(p => p.Permission, StringComparer.Ordinal).ToArray();
        if (additions.Length > 0)
        {
            var manifest = result.ManifestPath is { } path ? Path.GetRelativePath(result.Scan.Folder, path) : "defender-scopes.json";
            output.WriteLine();
            output.WriteLine($"Manifest change ({manifest}), then admin consent again in each tenant:");
            foreach (var (resource, permission) in additions)
            {
                output.WriteLine($"  declare {permission} under \"{resource}\"");
            }

            // What the manifest declares for the calls that move can go once nothing else needs it.
            foreach (var (resource, permission) in result.Calls.Where(c => c.ReplacementPermission is not null)
                .SelectMany(c => c.Operation.ApplicationPermissions.Select(p => (c.Operation.Resource, Permission: p)))
                .Where(result.Declared.Contains).Distinct()
                .Select(p => (Resource: ApiCatalog.Instance.GetResource(p.Resource).DisplayName, p.Permission))
                .OrderBy(p => p.Resource, StringComparer.Ordinal).ThenBy(p => p.Permission, StringComparer.Ordinal))
            {
                output.WriteLine($"  then remove {permission} under \"{resource}\" once no call needs it (DEF2002 reports it then)");
            }
        }
    }
}
