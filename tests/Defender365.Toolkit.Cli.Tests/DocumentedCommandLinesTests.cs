using System.Text.RegularExpressions;
using Defender365.Toolkit.Cli.Tests.Infrastructure;

namespace Defender365.Toolkit.Cli.Tests;

/// <summary>
/// Every <c>defender365 …</c> command line in the README and docs/ (in <c>sh</c> blocks, also the
/// <c>dotnet run --project src/Defender365.Toolkit.Cli -- …</c> form) is parsed with the tool's own parser: a renamed
/// option or a missing required one fails here, not in a reader's terminal.
/// </summary>
public sealed partial class DocumentedCommandLinesTests
{
    public static TheoryData<string, string> CommandLines()
    {
        var data = new TheoryData<string, string>();
        var files = new[] { Path.Combine(Tool.RepositoryRoot, "README.md") }.Concat(Directory.GetFiles(Path.Combine(Tool.RepositoryRoot, "docs"), "*.md", SearchOption.AllDirectories));
        foreach (var file in files)
        {
            foreach (Match block in ShellBlock().Matches(File.ReadAllText(file)))
            {
                foreach (var line in block.Groups["body"].Value.Split('\n').Select(l => l.Trim()))
                {
                    var command = line.StartsWith("defender365 ", StringComparison.Ordinal) ? line["defender365 ".Length..]
                        : line.StartsWith("dotnet run --project src/Defender365.Toolkit.Cli -- ", StringComparison.Ordinal) ? line["dotnet run --project src/Defender365.Toolkit.Cli -- ".Length..]
                        : null;
                    if (command is not null)
                    {
                        data.Add(Path.GetRelativePath(Tool.RepositoryRoot, file), StripComment(command));
                    }
                }
            }
        }

        return data;
    }

    [Fact]
    public void The_docs_show_every_command()
    {
        var documented = CommandLines().Select(row => ((string)row[1]).Split(' ')[0]).ToHashSet();

        Assert.Superset(new HashSet<string> { "consent-url", "token", "doctor", "emulator", "scan", "--help" }, documented);
    }

    [Theory]
    [MemberData(nameof(CommandLines))]
    public void Parses_without_errors(string file, string commandLine)
    {
        var root = DefenderCli.CreateRootCommand(new CliConsole(TextWriter.Null, TextWriter.Null));

        var parse = root.Parse(Words(commandLine));

        Assert.True(parse.Errors.Count == 0, $"{file}: defender365 {commandLine}\n{string.Join("\n", parse.Errors.Select(e => e.Message))}");
    }

    // Shell words: spaces split, double quotes group ("Contoso SOC Connector"); placeholders like <appId> stay words.
    private static string[] Words(string commandLine) =>
        [.. Word().Matches(commandLine).Select(m => m.Groups["quoted"].Success ? m.Groups["quoted"].Value : m.Value)];

    private static string StripComment(string line)
    {
        var hash = line.IndexOf(" #", StringComparison.Ordinal);
        return (hash < 0 ? line : line[..hash]).Trim();
    }

    [GeneratedRegex(@"```sh\n(?<body>.*?)```", RegexOptions.Singleline)]
    private static partial Regex ShellBlock();

    [GeneratedRegex(@"""(?<quoted>[^""]*)""|\S+")]
    private static partial Regex Word();
}
