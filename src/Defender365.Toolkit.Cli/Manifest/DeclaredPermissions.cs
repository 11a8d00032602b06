using Defender365.Toolkit.Analyzers.Manifest;
using Microsoft.CodeAnalysis.Text;

namespace Defender365.Toolkit.Cli.Manifest;

/// <summary>
/// The application permissions a <c>defender-scopes.json</c> declares, per resource id. Read with the same parser as the
/// build, so a file the build accepts is accepted here, and a broken one is reported at the same line and column.
/// </summary>
internal sealed class DeclaredPermissions
{
    private DeclaredPermissions(IReadOnlyDictionary<string, IReadOnlyList<string>> byResource) => ByResource = byResource;

    /// <summary>Resource id (<c>MicrosoftThreatProtection</c>, …) → declared application permissions; resources with none are left out.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> ByResource { get; }

    /// <summary>Reads the manifest; throws <see cref="CommandException"/> (usage) listing every problem with its position.</summary>
    public static DeclaredPermissions Load(FileInfo file)
    {
        if (!file.Exists)
        {
            throw new CommandException($"Manifest not found: {file.FullName}", ExitCodes.Usage);
        }

        var result = ManifestParser.Parse(file.FullName, SourceText.From(File.ReadAllText(file.FullName)), CancellationToken.None);
        if (result.Diagnostics.Count > 0 || result.Spec is null)
        {
            var problems = result.Diagnostics.Select(d =>
                $"{d.Location.FilePath}({d.Location.LineSpan.Start.Line + 1},{d.Location.LineSpan.Start.Character + 1}): error {d.Id}: {d.Message}");
            throw new CommandException(string.Join(Environment.NewLine, problems), ExitCodes.Usage, located: true);
        }

        var byResource = new SortedDictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var resource in result.Spec.Resources)
        {
            if (resource.Application.Count > 0)
            {
                byResource[resource.ResourceId] = [.. resource.Application];
            }
        }

        return new DeclaredPermissions(byResource);
    }
}
