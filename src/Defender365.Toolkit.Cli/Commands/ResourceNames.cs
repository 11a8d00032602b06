using Defender365.Toolkit.Catalog;

namespace Defender365.Toolkit.Cli.Commands;

/// <summary>Resources as people write them on a command line: the catalog id or the portal's display name.</summary>
internal static class ResourceNames
{
    public static DefenderResource Resolve(string name) =>
        DefenderCatalog.Default.Resources.FirstOrDefault(r =>
            string.Equals(r.Id, name, StringComparison.OrdinalIgnoreCase) || string.Equals(r.DisplayName, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new CommandException(
            $"Unknown resource '{name}'. Use one of: {string.Join(", ", DefenderCatalog.Default.Resources.Select(r => $"{r.Id} ('{r.DisplayName}')"))}.",
            ExitCodes.Usage);
}
