namespace Defender365.Toolkit.Cli.Commands;

/// <summary>
/// A file of tenants: one id or domain per line, then optionally its name for people (<c>7f1c…6a51  Contoso</c>, or as
/// a comment, <c>7f1c…6a51  # Contoso</c>, as <c>defender365 emulator --tenants-out</c> writes it); blank lines and
/// <c>#</c> comment lines are skipped, duplicates dropped (the first name stays).
/// </summary>
internal static class TenantList
{
    public static IReadOnlyList<ListedTenant> Load(FileInfo file)
    {
        if (!file.Exists)
        {
            throw new CommandException($"Tenant list not found: {file.FullName}", ExitCodes.Usage);
        }

        var tenants = new List<ListedTenant>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var problems = new List<string>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(file.FullName))
        {
            lineNumber++;
            var parts = line.Split('#', 2);
            var text = parts[0].Trim();
            if (text.Length == 0)
            {
                continue;
            }

            // "tenant-id  Contoso" or "tenant-id  # Contoso": the name is for people (the doctor table shows it).
            var words = text.Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries);
            var tenant = words[0];
            var name = words.Length > 1 ? words[1].Trim() : parts.Length > 1 ? parts[1].Trim() : null;

            // The name goes to a terminal and a CI log: control characters (escape sequences, carriage returns that
            // rewrite the line) are dropped, not printed.
            name = name is null ? null : new string(name.Where(c => !char.IsControl(c)).ToArray()).Trim();
            if (!Guid.TryParse(tenant, out _) && !tenant.Contains('.', StringComparison.Ordinal))
            {
                // Every bad line at once: fixing one to find the next is a loop nobody needs.
                problems.Add($"{file.FullName}({lineNumber},{line.IndexOf(tenant, StringComparison.Ordinal) + 1}): error: '{tenant}' is neither a tenant id (GUID) nor a domain.");
                continue;
            }

            if (seen.Add(tenant))
            {
                tenants.Add(new ListedTenant(tenant, string.IsNullOrEmpty(name) ? null : name));
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

/// <summary>A tenant of the list.</summary>
/// <param name="Tenant">The tenant id or domain.</param>
/// <param name="Name">Its name for people, or null.</param>
internal sealed record ListedTenant(string Tenant, string? Name);
