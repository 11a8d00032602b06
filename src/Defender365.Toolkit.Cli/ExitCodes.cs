namespace Defender365.Toolkit.Cli;

/// <summary>The tool's exit codes (documented in docs/cli.md; scripts depend on them).</summary>
internal static class ExitCodes
{
    /// <summary>Done, nothing found.</summary>
    public const int Success = 0;

    /// <summary>The command ran and found a problem: a declared permission not granted, a tenant not consented or unknown, a secret.</summary>
    public const int Findings = 1;

    /// <summary>The command line or an input file is wrong: unknown option, missing value, malformed manifest or tenant list.</summary>
    public const int Usage = 2;

    /// <summary>The app's sign-in is not configured or was rejected (no client id, no secret or certificate, wrong secret).</summary>
    public const int Configuration = 3;

    /// <summary>Nothing could be checked: the token service (or the emulator) could not be reached, or a port could not be used.</summary>
    public const int Unavailable = 4;

    /// <summary>Stopped by Ctrl+C (128 + SIGINT, as shells report it).</summary>
    public const int Cancelled = 130;

    /// <summary>A bug in the tool: the message and stack trace are printed; please report them.</summary>
    public const int InternalError = 70;
}
