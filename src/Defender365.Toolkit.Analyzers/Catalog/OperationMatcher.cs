using System;
using System.Collections.Generic;

namespace Defender365.Toolkit.Analyzers.Catalog;

/// <summary>
/// Maps a raw request (HTTP method and absolute URL, with unknown parts from interpolation holes) to the catalog
/// operation it calls, through the operations' path templates, so hand-written <c>HttpClient</c> calls are checked like
/// generated ones. Built once per process from <see cref="ApiCatalog"/>.
/// </summary>
internal sealed class OperationMatcher
{
    /// <summary>Stands for a value only known at run time (an interpolation hole) inside a URL pattern.</summary>
    public const char Unknown = '\u0001';

    private static readonly Lazy<OperationMatcher> LazyInstance = new(() => new OperationMatcher(ApiCatalog.Instance));

    private readonly HashSet<string> _hosts = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<(CatalogOperation Operation, CatalogResource Resource, string[] Segments, int Parameters)> _templates = new();

    private OperationMatcher(ApiCatalog catalog)
    {
        var hostsByResource = new Dictionary<string, HashSet<string>>();
        foreach (var resource in catalog.Resources)
        {
            hostsByResource[resource.Id] = new HashSet<string>(resource.KnownHosts, StringComparer.OrdinalIgnoreCase);
            _hosts.UnionWith(resource.KnownHosts);
        }

        foreach (var operation in catalog.Operations)
        {
            if (operation.DuplicateOf is not null)
            {
                continue;
            }

            var segments = Split(operation.Path);
            var parameters = 0;
            foreach (var segment in segments)
            {
                if (segment.IndexOf('{') >= 0)
                {
                    parameters++;
                }
            }

            _templates.Add((operation, catalog.GetResource(operation.Resource), segments, parameters));
        }

        HostsByResource = hostsByResource;
    }

    public static OperationMatcher Instance => LazyInstance.Value;

    private IReadOnlyDictionary<string, HashSet<string>> HostsByResource { get; }

    /// <summary>Cheap first test: is this the host of a Defender or Graph API the catalog knows?</summary>
    public bool IsKnownHost(string host) => _hosts.Contains(host);

    /// <summary>
    /// The operation a request calls, or null. <paramref name="url"/> is absolute; <see cref="Unknown"/> marks holes.
    /// When several templates match, the one with the fewest parameters wins (<c>/api/machines/SoftwareInventoryExport</c>
    /// before <c>/api/machines/{id}</c>).
    /// </summary>
    public (CatalogOperation Operation, CatalogResource Resource)? Match(string httpMethod, string url)
    {
        if (!TrySplitUrl(url, out var host, out var path) || !IsKnownHost(host))
        {
            return null;
        }

        var segments = Split(path);
        (CatalogOperation, CatalogResource)? best = null;
        var bestParameters = int.MaxValue;
        foreach (var (operation, resource, template, parameters) in _templates)
        {
            if (template.Length != segments.Length || parameters >= bestParameters
                || !string.Equals(operation.Method, httpMethod, StringComparison.OrdinalIgnoreCase)
                || !HostsByResource[resource.Id].Contains(host))
            {
                continue;
            }

            var matches = true;
            for (var i = 0; i < template.Length && matches; i++)
            {
                matches = SegmentMatches(template[i], segments[i]);
            }

            if (matches)
            {
                best = (operation, resource);
                bestParameters = parameters;
            }
        }

        return best;
    }

    /// <summary>Host and path of an absolute http(s) URL (query and fragment dropped), or false.</summary>
    public static bool TrySplitUrl(string url, out string host, out string path)
    {
        host = path = "";
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0 || !(url.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("http://", StringComparison.OrdinalIgnoreCase)))
        {
            return false;
        }

        var hostStart = scheme + 3;
        var slash = url.IndexOf('/', hostStart);
        var hostEnd = slash < 0 ? url.Length : slash;
        host = url.Substring(hostStart, hostEnd - hostStart);
        var colon = host.IndexOf(':');
        if (colon >= 0)
        {
            host = host.Substring(0, colon);
        }

        if (host.IndexOf(Unknown) >= 0)
        {
            return false;
        }

        var end = url.Length;
        var query = url.IndexOfAny(['?', '#'], hostEnd);
        if (query >= 0)
        {
            end = query;
        }

        path = slash < 0 ? "/" : url.Substring(slash, end - slash);
        return true;
    }

    // A template segment is literal ("machines"), a parameter ("{id}") or a function call with parameters
    // ("getRunHuntingQuery(query='{query}')"): literal text around the braces must match, the rest is free.
    private static bool SegmentMatches(string template, string actual)
    {
        var open = template.IndexOf('{');
        if (open < 0)
        {
            return string.Equals(template, actual, StringComparison.OrdinalIgnoreCase);
        }

        var close = template.LastIndexOf('}');
        var prefix = template.Substring(0, open);
        var suffix = template.Substring(close + 1);
        return actual.Length > prefix.Length + suffix.Length
            && actual.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
            && actual.EndsWith(suffix, StringComparison.OrdinalIgnoreCase);
    }

    private static string[] Split(string path) => path.Split(['/'], StringSplitOptions.RemoveEmptyEntries);
}
