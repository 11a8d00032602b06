namespace Defender365.Toolkit.Cli;

/// <summary>A failure the user can act on: printed on standard error, with <see cref="ExitCode"/>.</summary>
/// <param name="message">What went wrong and what to do.</param>
/// <param name="exitCode">The exit code (<see cref="ExitCodes"/>).</param>
/// <param name="located">
/// The message is already one or more <c>file(line,column): error CODE: text</c> lines, the form editors and CI logs
/// link to: printed as it is, without a second <c>error:</c> in front.
/// </param>
internal sealed class CommandException(string message, int exitCode, bool located = false) : Exception(message)
{
    public int ExitCode { get; } = exitCode;

    public bool Located { get; } = located;
}
