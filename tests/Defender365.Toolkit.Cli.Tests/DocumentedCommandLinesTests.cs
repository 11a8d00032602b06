using System.Text.RegularExpressions;
using System.Xml.Linq;
using Defender365.Toolkit.Cli.Connection;
using Defender365.Toolkit.Cli.Tests.Infrastructure;
using Defender365.Toolkit.Documentation;

namespace Defender365.Toolkit.Cli.Tests;

/// <summary>
/// Every line of every <c>sh</c> block in the README and docs/ is accounted for. <c>defender365 …</c> lines (also the
/// <c>dotnet run --project src/Defender365.Toolkit.Cli -- …</c> form) are parsed with the tool's own parser, so a renamed
/// option or a missing required one fails here, not in a reader's terminal. Every other line must be of a known form,
/// and what it names must be real: a project path, the package ids, a variable the tool reads. Some are also run
/// elsewhere (README steps 1–2 by <c>ReadmeWalkthroughTests</c>, the emulator program by <c>EmulatorProgramTests</c>, the
/// pipeline build by <c>SecretBuildTests</c>, configuration keys by <c>DocumentedConfigurationTests</c>); the <c>az</c>
/// lines need an Azure account and are not run.
/// </summary>
public sealed partial class DocumentedCommandLinesTests
{
    private static IEnumerable<(string File, int Line, string Text)> ShellLines() =>
        DocumentationBlocks.Read()
            .Where(b => b.Language == "sh")
            .SelectMany(b => b.Lines.Select((text, i) => (b.File, Line: b.Line + 1 + i, Text: StripComment(text))))
            .Where(l => l.Text.Length > 0);

    public static TheoryData<string, string> CommandLines()
    {
        var data = new TheoryData<string, string>();
        foreach (var (file, _, text) in ShellLines())
        {
            if (ToolCommand(text) is { } command)
            {
                data.Add(file, command);
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

    [Fact]
    public void Every_other_shell_line_is_a_known_command_that_names_real_things()
    {
        var problems = ShellLines().Where(l => ToolCommand(l.Text) is null).Select(l => Problem(l.Text) is { } problem ? $"{l.File}:{l.Line}: {l.Text}\n  {problem}" : null)
            .OfType<string>().ToArray();

        Assert.True(problems.Length == 0, string.Join("\n", problems));
    }

    // Null when the line is fine; otherwise what is wrong with it.
    private static string? Problem(string line)
    {
        var words = Words(line);
        switch (words)
        {
            case ["export", var assignment] when assignment.Split('=')[0] is var name && name.StartsWith("DEFENDER365_", StringComparison.Ordinal):
                string[] read = [AppConnectionOptions.ClientIdVariable, AppConnectionOptions.ClientSecretVariable, AppConnectionOptions.EmulatorSecretVariable, AppConnectionOptions.CertificatePasswordVariable];
                return read.Contains(name) ? null : $"the tool reads no variable {name}";
            case ["export", var assignment] when assignment.StartsWith("Defender__", StringComparison.Ordinal):
                return null; // a configuration key: DocumentedConfigurationTests binds it
            case [var first, ..] when ShellVariable().IsMatch(first):
                return null; // version=…: a value for the next lines
            case ["dotnet", "user-secrets", "init"]:
                return null;
            case ["dotnet", "user-secrets", "set", var key, _, ..]:
                return key.StartsWith("Defender:", StringComparison.Ordinal) ? null : $"'{key}' is not a Defender setting"; // bound by DocumentedConfigurationTests
            case ["dotnet", "test", var project] when project.StartsWith("tests/", StringComparison.Ordinal):
                // One project of the suite: CI runs it as part of the solution.
                return File.ReadAllText(Path.Combine(Tool.RepositoryRoot, "Defender365.Toolkit.sln")).Contains(project.Replace('/', '\\') + "\\", StringComparison.Ordinal)
                    ? null : $"'{project}' is not a test project of the solution";
            case ["dotnet", "test", ..]:
                return File.ReadAllLines(Path.Combine(Tool.RepositoryRoot, ".ci", "run")).Any(l => l == line || l.StartsWith(line + " ", StringComparison.Ordinal))
                    ? null : "CI (.ci/run) does not run this test command";
            case ["dotnet", "run", "-c", "Release", "--project", "tests/Defender365.Toolkit.Benchmarks", "--", var part, ..]:
                // A part of the benchmarks: one the program dispatches on.
                return File.ReadAllText(Path.Combine(Tool.RepositoryRoot, "tests", "Defender365.Toolkit.Benchmarks", "Program.cs")).Contains($"\"{part}\"", StringComparison.Ordinal)
                    ? null : $"the benchmarks have no part '{part}'";
            case ["dotnet", "run", "--project", var project, ..]:
                return IsProject(project, executable: true) ? null : $"{project} is not a runnable project of the repository";
            case ["dotnet", "pack", var project, ..]:
                return IsProject(project, executable: false) ? null : $"{project} is not a project of the repository";
            case ["dotnet", "tool", "install" or "update", ..]:
                return words.Contains(PackageId("src/Defender365.Toolkit.Cli")) ? null : $"the tool's package is {PackageId("src/Defender365.Toolkit.Cli")}";
            case ["dotnet", "add", "package", var id]:
                string[] packages = [PackageId("src/Defender365.Toolkit"), PackageId("src/Defender365.Toolkit.Emulator"), PackageId("src/Defender365.Toolkit.Redis")];
                return packages.Contains(id) ? null : $"the packages are {string.Join(", ", packages)}";
            case ["dotnet", "build", var errorLog] when errorLog.StartsWith("-p:ErrorLog=", StringComparison.Ordinal):
                return null; // run by SecretBuildTests
            case ["dotnet", "format", "analyzers", "--diagnostics", .. var ids]:
                // Run by ConsumerBuildTests for DEF2001; here each id must be a rule with a page.
                return ids.FirstOrDefault(id => !File.Exists(Path.Combine(Tool.RepositoryRoot, "docs", "rules", id + ".md"))) is { } unknown ? $"'{unknown}' is not a rule of the toolkit" : null;
            case ["az", "ad", "app", ..]:
                return null; // needs an Azure account: not run
            default:
                return "not a command this test knows; teach it how to check it";
        }
    }

    private static bool IsProject(string path, bool executable)
    {
        var folder = Path.Combine(Tool.RepositoryRoot, path);
        var project = Directory.Exists(folder) ? Directory.GetFiles(folder, "*.csproj").SingleOrDefault() : null;
        return project is not null && (!executable || XDocument.Load(project).Descendants("OutputType").Any(e => e.Value == "Exe"));
    }

    private static string PackageId(string projectFolder)
    {
        var project = Directory.GetFiles(Path.Combine(Tool.RepositoryRoot, projectFolder), "*.csproj").Single();
        return XDocument.Load(project).Descendants("PackageId").SingleOrDefault()?.Value ?? Path.GetFileNameWithoutExtension(project);
    }

    private static string? ToolCommand(string line) =>
        line.StartsWith("defender365 ", StringComparison.Ordinal) ? line["defender365 ".Length..]
        : line.StartsWith("dotnet run --project src/Defender365.Toolkit.Cli -- ", StringComparison.Ordinal) ? line["dotnet run --project src/Defender365.Toolkit.Cli -- ".Length..]
        : null;

    // Shell words: spaces split, double quotes group ("Contoso SOC Connector"); placeholders like <appId> stay words.
    private static string[] Words(string commandLine) =>
        [.. Word().Matches(commandLine).Select(m => m.Groups["quoted"].Success ? m.Groups["quoted"].Value : m.Value)];

    private static string StripComment(string line)
    {
        var hash = line.IndexOf(" #", StringComparison.Ordinal);
        return (hash < 0 ? line : line[..hash]).Trim();
    }

    [GeneratedRegex(@"""(?<quoted>[^""]*)""|\S+")]
    private static partial Regex Word();

    [GeneratedRegex(@"^[a-z_]+=\S")]
    private static partial Regex ShellVariable();
}
