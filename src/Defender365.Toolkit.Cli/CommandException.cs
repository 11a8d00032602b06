namespace Defender365.Toolkit.Cli;

/// <summary>A failure the user can act on: printed as one line on standard error, with <see cref="ExitCode"/>.</summary>
internal sealed class CommandException(string message, int exitCode) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
