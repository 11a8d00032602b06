using System.CommandLine;
using System.CommandLine.Invocation;
using Defender365.Toolkit.Cli.Commands;

namespace Defender365.Toolkit.Cli;

/// <summary>The <c>defender365</c> command line: its commands, and the mapping of failures to exit codes.</summary>
internal static class DefenderCli
{
    /// <summary>Every command, writing to <paramref name="console"/>.</summary>
    public static RootCommand CreateRootCommand(CliConsole console) =>
        new("Build and run apps on the Microsoft Defender XDR and Defender for Endpoint APIs across many tenants.")
        {
            ConsentUrlCommand.Create(console),
            TokenCommand.Create(console),
            DoctorCommand.Create(console),
            EmulatorCommand.Create(console),
            ScanCommand.Create(console),
            LifecycleCommand.Create(console),
            SyncCommand.Create(console),
        };

    /// <summary>Parses and runs <paramref name="args"/>, writing to the given streams; returns the exit code (<see cref="ExitCodes"/>).</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var parse = CreateRootCommand(new CliConsole(output, error)).Parse(args);
        if (parse.Errors.Count > 0 && parse.Action is ParseErrorAction)
        {
            foreach (var problem in parse.Errors)
            {
                error.WriteLine($"error: {problem.Message}");
            }

            error.WriteLine("Run 'defender365 --help' or 'defender365 <command> --help' for usage.");
            return ExitCodes.Usage;
        }

        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false }, cancellationToken).ConfigureAwait(false);
        }
        catch (CommandException e)
        {
            error.WriteLine(e.Located ? e.Message : $"error: {e.Message}");
            return e.ExitCode;
        }
        catch (OperationCanceledException)
        {
            error.WriteLine("Cancelled.");
            return ExitCodes.Cancelled;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Exceptions of this toolkit never carry a secret or token in their text.
            error.WriteLine($"error: unexpected {e.GetType().Name}: {e.Message}");
            error.WriteLine(e.StackTrace);
            return ExitCodes.InternalError;
        }
    }
}

/// <summary>Where a command writes: results to <see cref="Out"/>, progress, warnings and errors to <see cref="Error"/>.</summary>
/// <param name="Out">Standard output: what a script reads.</param>
/// <param name="Error">Standard error: for the person watching.</param>
internal sealed record CliConsole(TextWriter Out, TextWriter Error);
