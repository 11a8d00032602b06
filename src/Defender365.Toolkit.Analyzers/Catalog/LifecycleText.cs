namespace Defender365.Toolkit.Analyzers.Catalog;

/// <summary>
/// The words for an operation's lifecycle, shared by the generated docs, DEF5001/DEF5002 and the code fix, so the
/// IDE tooltip, the warning and the method's docs say the same thing. Built from catalog data only: no clock.
/// </summary>
internal static class LifecycleText
{
    /// <summary>"stops working on 2027-02-01", "was retired on 2026-10-15" or "is at risk of retirement (no date)".</summary>
    public static string State(CatalogLifecycle lifecycle) => lifecycle.Status switch
    {
        LifecycleStatus.Retiring => $"stops working on {lifecycle.Date}",
        LifecycleStatus.Retired => $"was retired on {lifecycle.Date}",
        _ => "is at risk of retirement, with no date announced",
    };

    /// <summary>The replacement operation, or null when the catalog names none (or names one it does not hold).</summary>
    public static CatalogOperation? Replacement(CatalogLifecycle lifecycle) =>
        lifecycle.Replacement is { } id ? ApiCatalog.Instance.FindOperation(id) : null;

    /// <summary>
    /// What to do, as the rest of a sentence: "use GraphSecurity.RunHuntingQuery instead, which needs
    /// ThreatHunting.Read.All on Microsoft Graph. Graph returns …" (the guidance follows); without a replacement, the
    /// guidance alone.
    /// </summary>
    public static string Advice(CatalogLifecycle lifecycle)
    {
        if (Replacement(lifecycle) is not { } replacement)
        {
            return lifecycle.Guidance ?? "Microsoft names no replacement.";
        }

        var resource = ApiCatalog.Instance.GetResource(replacement.Resource);
        var guidance = lifecycle.Guidance is { } text ? " " + text : string.Empty;
        return $"use {replacement.Id} instead, which needs {replacement.ApplicationPermissions[0]} on {resource.DisplayName}.{guidance}";
    }

    /// <summary>Sentences for the generated method's docs (the source link follows them).</summary>
    public static string Describe(CatalogOperation operation, CatalogLifecycle lifecycle)
    {
        var advice = Advice(lifecycle);
        var announcement = lifecycle.Announcement is { } id && advice.IndexOf(id, System.StringComparison.Ordinal) < 0 ? $" (Message Center {id})" : string.Empty;
        return $"{operation.Id} {State(lifecycle)}{announcement}. {char.ToUpperInvariant(advice[0])}{advice.Substring(1)}";
    }
}
