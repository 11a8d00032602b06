using System.Globalization;

namespace Defender365.Toolkit.FanOut;

/// <summary>Every tenant's result of a fan-out, in the order the tenants were given, and the counts by outcome.</summary>
/// <typeparam name="T">What the work returns.</typeparam>
public sealed class DefenderFanOutSummary<T>
{
    internal DefenderFanOutSummary(IReadOnlyList<DefenderTenantResult<T>> results)
    {
        Results = results;
        var counts = new Dictionary<DefenderTenantOutcome, int>();
        foreach (var result in results)
        {
            counts[result.Outcome] = counts.GetValueOrDefault(result.Outcome) + 1;
        }

        ByOutcome = counts;
    }

    /// <summary>One result per tenant, in the order given.</summary>
    public IReadOnlyList<DefenderTenantResult<T>> Results { get; }

    /// <summary>How many tenants ended with each outcome (outcomes no tenant had are absent).</summary>
    public IReadOnlyDictionary<DefenderTenantOutcome, int> ByOutcome { get; }

    /// <summary>Tenants whose work returned a value.</summary>
    public int Succeeded => ByOutcome.GetValueOrDefault(DefenderTenantOutcome.Succeeded);

    /// <summary>Tenants whose work did not.</summary>
    public int Failed => Results.Count - Succeeded;

    /// <summary>Whether every tenant succeeded.</summary>
    public bool AllSucceeded => Failed == 0;

    /// <summary>For example "97 of 100 tenants succeeded; NotConsented 2, Throttled 1".</summary>
    public override string ToString()
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"{Succeeded} of {Results.Count} tenants succeeded");
        var failures = ByOutcome.Where(o => o.Key != DefenderTenantOutcome.Succeeded).OrderBy(o => o.Key).Select(o => string.Create(CultureInfo.InvariantCulture, $"{o.Key} {o.Value}")).ToList();
        return failures.Count == 0 ? text : text + "; " + string.Join(", ", failures);
    }
}
