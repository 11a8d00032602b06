namespace Defender365.Toolkit.Cli.Commands;

/// <summary>A file of tenants: one id or domain per line; blank lines and <c>#</c> comments are skipped, duplicates dropped.</summary>
internal static class TenantList
{
    public static IReadOnlyList<string> Load(FileInfo file)
    {
        if (!file.Exists)
        {
            throw new CommandException($"Tenant list not found: {file.FullName}", ExitCodes.Usage);
        }

        var tenants = new List<string>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var problems = new List<string>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(file.FullName))
        {
            lineNumber++;
            var text = line.Split('#', 2)[0].Trim();
            if (text.Length == 0)
            {
                continue;
            }

            // "tenant-id  any label" — the label is for people.
            var tenant = text.Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries)[0];
            if (!Guid.TryParse(tenant, out _) && !tenant.Contains('.', StringComparison.Ordinal))
            {
                // Every bad line at once: fixing one to find the next is a loop nobody needs.
                problems.Add($"{file.FullName}({lineNumber},{line.IndexOf(tenant, StringComparison.Ordinal) + 1}): error: '{tenant}' is neither a tenant id (GUID) nor a domain.");
                continue;
            }

            if (seen.Add(tenant))
            {
                tenants.Add(tenant);
            }
        }

        if (problems.Count > 0)
        {
            throw new CommandException(string.Join(Environment.NewLine, problems), ExitCodes.Usage, located: true);
        }

        if (tenants.Count == 0)
        {
            throw new CommandException($"{file.FullName} lists no tenant.", ExitCodes.Usage);
        }

        return tenants;
    }
}
