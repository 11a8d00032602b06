using System.CommandLine;
using System.Reflection;
using Defender365.Toolkit.Cli.Scanning;

namespace Defender365.Toolkit.Cli.Commands;

/// <summary><c>defender365 scan</c>: the DEF3001 to DEF3004 secret rules over a folder or a file, for code that is not built.</summary>
internal static class ScanCommand
{
    public static Command Create(CliConsole console)
    {
        var folder = new Argument<FileSystemInfo>("path") { Description = "The folder to scan (C# files, and JSON, .env, YAML, XML and other settings files), recursively; bin, obj and .git are skipped. Or one file." };
        var sarif = new Option<FileInfo?>("--sarif") { Description = "Also write the findings as SARIF 2.1.0 to this file (for code-scanning services)." };

        var command = new Command("scan", "Find hardcoded secrets in a folder or a file with the same rules and .editorconfig settings as the build (DEF3001 to DEF3004). Exits with 1 when any is an error.")
        {
            folder, sarif,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var target = parse.GetValue(folder)!;
            if (!target.Exists)
            {
                throw new CommandException($"Neither a file nor a folder: {target.FullName}", ExitCodes.Usage);
            }

            var scan = target is FileInfo file
                ? await FolderSecretScan.RunAsync(file.Directory!, cancellationToken, file).ConfigureAwait(false)
                : await FolderSecretScan.RunAsync((DirectoryInfo)target, cancellationToken).ConfigureAwait(false);
            foreach (var finding in scan.Findings)
            {
                var start = finding.Position.StartLinePosition;
                console.Out.WriteLine($"{Path.GetRelativePath(scan.Folder, finding.Position.Path)}({start.Line + 1},{start.Character + 1}): {finding.Level} {finding.RuleId}: {finding.Message}");
            }

            if (parse.GetValue(sarif) is { } sarifFile)
            {
                await using var stream = File.Create(sarifFile.FullName);
                SarifLog.Write(stream, scan, typeof(ScanCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0");
            }

            console.Error.WriteLine($"Scanned {scan.CSharpFiles} C# and {scan.OtherFiles} settings files: {scan.Findings.Count} secret(s) found.");
            // As in a build: what .editorconfig lowered to a warning is shown but does not fail.
            return scan.Findings.Any(f => f.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error) ? ExitCodes.Findings : ExitCodes.Success;
        });
        return command;
    }
}
