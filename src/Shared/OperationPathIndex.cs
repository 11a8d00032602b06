namespace Defender365.Toolkit.Shared;

/// <summary>
/// Finds the catalog operation a request calls from its method and path: the one rule both the runtime (emulator
/// routing, <c>DefenderCatalog.MatchRequest</c>) and the analyzers (DEF2001 on hand-written URLs) apply.
/// </summary>
/// <remarks>
/// When several templates match, the most specific wins: fewest placeholders, then the longest template, then catalog
/// order (<c>/api/machines/SoftwareInventoryExport</c> before <c>/api/machines/{id}</c>). Operations the docs give the
/// same path as another are left out by the caller. Compiled into both the runtime and the analyzer assembly.
/// </remarks>
/// <typeparam name="TOperation">The caller's operation model.</typeparam>
internal sealed class OperationPathIndex<TOperation>
    where TOperation : class
{
    private readonly Entry[] _byPrecedence;

    /// <param name="operations">Each operation with its HTTP method and parsed path template, in catalog order.</param>
    public OperationPathIndex(System.Collections.Generic.IEnumerable<(TOperation Operation, string Method, PathTemplate Template)> operations)
    {
        var entries = new System.Collections.Generic.List<Entry>();
        foreach (var (operation, method, template) in operations)
        {
            entries.Add(new Entry(operation, method, template, entries.Count));
        }

        entries.Sort(static (a, b) =>
        {
            var byParameters = a.Template.ParameterCount.CompareTo(b.Template.ParameterCount);
            if (byParameters != 0)
            {
                return byParameters;
            }

            var byLength = b.Template.Text.Length.CompareTo(a.Template.Text.Length);
            return byLength != 0 ? byLength : a.Order.CompareTo(b.Order);
        });
        _byPrecedence = entries.ToArray();
    }

    /// <summary>The most specific operation whose method and template match, or <see langword="null"/>.</summary>
    /// <param name="method">The HTTP method (any case).</param>
    /// <param name="path">The path relative to the API's base, without query string.</param>
    /// <param name="accept">When given, an operation it refuses is passed over (the analyzers check the host here).</param>
    /// <param name="values">When given, receives the matched operation's unescaped path values.</param>
    public TOperation? Match(string method, string path, System.Func<TOperation, bool>? accept = null, System.Collections.Generic.IDictionary<string, string>? values = null)
    {
        foreach (var entry in _byPrecedence)
        {
            if (string.Equals(entry.Method, method, System.StringComparison.OrdinalIgnoreCase)
                && (accept is null || accept(entry.Operation))
                && entry.Template.TryMatch(path, values))
            {
                return entry.Operation;
            }
        }

        return null;
    }

    private sealed class Entry
    {
        public Entry(TOperation operation, string method, PathTemplate template, int order)
        {
            Operation = operation;
            Method = method;
            Template = template;
            Order = order;
        }

        public TOperation Operation { get; }

        public string Method { get; }

        public PathTemplate Template { get; }

        public int Order { get; }
    }
}
