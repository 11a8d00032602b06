using System;
using System.Collections.Generic;
using Defender365.Toolkit.Shared;

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
    private readonly Dictionary<string, HashSet<string>> _hostsByResource = new(StringComparer.Ordinal);
    private readonly OperationPathIndex<CatalogOperation> _byPath;

    private OperationMatcher(ApiCatalog catalog)
    {
        foreach (var resource in catalog.Resources)
        {
            _hostsByResource[resource.Id] = new HashSet<string>(resource.KnownHosts, StringComparer.OrdinalIgnoreCase);
            _hosts.UnionWith(resource.KnownHosts);
        }

        var templates = new List<(CatalogOperation, string, PathTemplate)>();
        foreach (var operation in catalog.Operations)
        {
            if (operation.DuplicateOf is null)
            {
                templates.Add((operation, operation.Method, PathTemplate.Parse(operation.Path)));
            }
        }

        _byPath = new OperationPathIndex<CatalogOperation>(templates);
        Catalog = catalog;
    }

    public static OperationMatcher Instance => LazyInstance.Value;

    private ApiCatalog Catalog { get; }

    /// <summary>Cheap first test: is this the host of a Defender or Graph API the catalog knows?</summary>
    public bool IsKnownHost(string host) => _hosts.Contains(host);

    /// <summary>
    /// The operation a request calls, or null. <paramref name="url"/> is absolute; <see cref="Unknown"/> marks holes,
    /// which stand for a path value. The host must be one of the operation's resource; among the operations that
    /// match, <see cref="OperationPathIndex{TOperation}"/> picks the most specific, as the runtime does.
    /// </summary>
    public (CatalogOperation Operation, CatalogResource Resource)? Match(string httpMethod, string url)
    {
        if (!TrySplitUrl(url, out var host, out var path) || !IsKnownHost(host))
        {
            return null;
        }

        var operation = _byPath.Match(httpMethod, path, o => _hostsByResource[o.Resource].Contains(host));
        return operation is null ? null : (operation, Catalog.GetResource(operation.Resource));
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
}
