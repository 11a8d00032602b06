using System.Diagnostics;
using System.Text;

namespace Defender365.Toolkit.Testing;

/// <summary>
/// Runs a process for a test: reads its output as it comes, and whatever happens (done, timed out, the test cancelled)
/// leaves nothing running — the whole process tree is killed. A timeout is a <see cref="TimeoutException"/> that names the
/// command, the time it had and what it printed, never a bare "A task was canceled". Compiled into each test project
/// that starts processes.
/// </summary>
internal static class TestProcess
{
    /// <summary>Starts <paramref name="start"/> (its output is redirected here) and waits for it to exit.</summary>
    /// <param name="start">What to run. Standard output and error are redirected by this method.</param>
    /// <param name="timeout">How long it may take.</param>
    /// <param name="closeInput">Close its standard input at once (a tool that reads it must not wait for a test).</param>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(ProcessStartInfo start, TimeSpan timeout, bool closeInput = true)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.RedirectStandardInput = closeInput || start.RedirectStandardInput;
        var output = new StringBuilder();
        var error = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(error, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (closeInput)
        {
            process.StandardInput.Close();
        }

        try
        {
            using var cancel = new CancellationTokenSource(timeout);
            try
            {
                await process.WaitForExitAsync(cancel.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException(
                    $"'{Describe(start)}' did not finish within {timeout.TotalSeconds:0} s; it was stopped.\n--- stdout\n{Text(output)}\n--- stderr\n{Text(error)}");
            }

            // The streams' last lines arrive after the exit.
            process.WaitForExit();
            return (process.ExitCode, Text(output), Text(error));
        }
        finally
        {
            Kill(process);
        }
    }

    /// <summary>Kills the process and everything it started, if still running.</summary>
    public static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Never started, or already gone.
        }
    }

    /// <summary>The command line, for messages.</summary>
    public static string Describe(ProcessStartInfo start) =>
        string.Join(' ', new[] { start.FileName }.Concat(start.ArgumentList.Count > 0 ? start.ArgumentList : [start.Arguments]));

    private static void Append(StringBuilder text, string? line)
    {
        if (line is not null)
        {
            lock (text)
            {
                text.AppendLine(line);
            }
        }
    }

    private static string Text(StringBuilder text)
    {
        lock (text)
        {
            return text.ToString();
        }
    }
}
