namespace Defender365.Toolkit.Cli.Output;

/// <summary>
/// Progress on standard error: one status line rewritten in place on a terminal, one plain line per step when standard
/// error is redirected (a CI log, a file), where rewriting would leave carriage returns in the text.
/// </summary>
internal sealed class ProgressLine(TextWriter error)
{
    private readonly bool _interactive = ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected;
    private readonly Lock _gate = new();

    /// <summary>Shows <paramref name="status"/> on a terminal, or writes <paramref name="line"/>. Safe from several threads.</summary>
    public void Report(string status, string line)
    {
        lock (_gate)
        {
            if (_interactive)
            {
                error.Write($"\r{status} ");
            }
            else
            {
                error.WriteLine(line);
            }
        }
    }

    /// <summary>Ends the status line on a terminal; writes <paramref name="summary"/> (if any) when redirected.</summary>
    public void Finish(string? summary = null)
    {
        if (_interactive)
        {
            error.WriteLine();
        }
        else if (summary is not null)
        {
            error.WriteLine(summary);
        }
    }
}
