using Defender365.Toolkit.Shared;

namespace Defender365.Toolkit.Catalog;

/// <summary>An API resource (an Entra ID application that exposes permissions): Defender XDR, Defender for Endpoint or Microsoft Graph.</summary>
public sealed class DefenderResource
{
    private readonly Dictionary<string, DefenderPermission> _application;
    private readonly Dictionary<string, DefenderPermission> _delegated;

    // implied permission → the permissions that imply it ("ReadWrite covers Read").
    private readonly Dictionary<string, string[]> _impliedBy;
    private readonly IReadOnlyDictionary<DefenderCloud, DefenderCloudEndpoint> _endpoints;

    internal DefenderResource(
        string id,
        string displayName,
        string appId,
        IReadOnlyList<DefenderPermission> permissions,
        IEnumerable<(string Permission, string Implies)> implications,
        IReadOnlyList<string> knownHosts,
        IReadOnlyDictionary<DefenderCloud, DefenderCloudEndpoint> endpoints)
    {
        Id = id;
        DisplayName = displayName;
        AppId = appId;
        Permissions = permissions;
        KnownHosts = knownHosts;
        _endpoints = endpoints;
        _application = permissions.Where(p => p.Kind == DefenderPermissionKind.Application).ToDictionary(p => p.Name, StringComparer.Ordinal);
        _delegated = permissions.Where(p => p.Kind == DefenderPermissionKind.Delegated).ToDictionary(p => p.Name, StringComparer.Ordinal);
        _impliedBy = implications
            .GroupBy(i => i.Implies, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(i => i.Permission).ToArray(), StringComparer.Ordinal);
    }

    /// <summary>Catalog id: one of <see cref="DefenderResourceIds"/>.</summary>
    public string Id { get; }

    /// <summary>The display name in the Entra ID portal ("APIs my organization uses").</summary>
    public string DisplayName { get; }

    /// <summary>The resource's Entra ID application (client) id.</summary>
    public string AppId { get; }

    /// <summary>Every application and delegated permission the resource exposes.</summary>
    public IReadOnlyList<DefenderPermission> Permissions { get; }

    /// <summary>Host names the resource's API is reachable on (global, regional, government).</summary>
    public IReadOnlyList<string> KnownHosts { get; }

    /// <summary>The API base URL and token audience in the given cloud.</summary>
    public DefenderCloudEndpoint GetEndpoint(DefenderCloud cloud) =>
        _endpoints.TryGetValue(cloud, out var endpoint)
            ? endpoint
            : throw new ArgumentOutOfRangeException(nameof(cloud), cloud, $"The catalog has no endpoint for {DisplayName} in the {cloud} cloud.");

    /// <summary>
    /// Whether a token whose audience (<c>aud</c>) is <paramref name="audience"/> is for this API: the resource's app id
    /// (v2 tokens), or its App ID URI in any cloud (v1 tokens), with or without a trailing slash.
    /// </summary>
    public bool AcceptsAudience(string audience)
    {
        ArgumentNullException.ThrowIfNull(audience);
        var trimmed = audience.TrimEnd('/');
        return string.Equals(trimmed, AppId, StringComparison.OrdinalIgnoreCase)
            || _endpoints.Values.Any(e => string.Equals(e.Audience.TrimEnd('/'), trimmed, StringComparison.OrdinalIgnoreCase))
            || (AlternativeAudiences.TryGetValue(Id, out var alternative) && string.Equals(alternative, trimmed, StringComparison.OrdinalIgnoreCase));
    }

    // The Defender for Endpoint docs also give this App ID URI for its scope.
    private static readonly Dictionary<string, string> AlternativeAudiences = new(StringComparer.Ordinal)
    {
        [DefenderResourceIds.WindowsDefenderAtp] = "https://securitycenter.onmicrosoft.com/windowsatpservice",
    };

    /// <summary>Looks up a permission by its exact (case-sensitive) name.</summary>
    public bool TryGetPermission(string name, DefenderPermissionKind kind, out DefenderPermission permission) =>
        (kind == DefenderPermissionKind.Application ? _application : _delegated).TryGetValue(name, out permission!);

    /// <summary>
    /// Whether the granted permissions satisfy an any-of requirement, counting implications
    /// (a granted <c>Incident.ReadWrite.All</c> satisfies a required <c>Incident.Read.All</c>).
    /// </summary>
    /// <param name="anyOf">The operation's alternatives; an empty set is always satisfied.</param>
    /// <param name="granted">The permissions the token (or the manifest) holds.</param>
    public bool IsSatisfiedBy(IReadOnlyList<string> anyOf, IReadOnlyCollection<string> granted)
    {
        ArgumentNullException.ThrowIfNull(anyOf);
        ArgumentNullException.ThrowIfNull(granted);
        return anyOf.Count == 0 || PermissionRules.LeastPrivilegedSatisfier(anyOf, granted, GetImplyingPermissions) is not null;
    }

    /// <summary>Whether <paramref name="granted"/> contains <paramref name="permission"/> or a permission that implies it.</summary>
    public bool Covers(IReadOnlyCollection<string> granted, string permission)
    {
        ArgumentNullException.ThrowIfNull(granted);
        return PermissionRules.LeastPrivilegedSatisfier([permission], granted, GetImplyingPermissions) is not null;
    }

    /// <summary>The permissions that imply <paramref name="permission"/> (for example its ReadWrite form).</summary>
    public IReadOnlyList<string> GetImplyingPermissions(string permission) =>
        _impliedBy.TryGetValue(permission, out var stronger) ? stronger : [];

    /// <inheritdoc/>
    public override string ToString() => DisplayName;
}

/// <summary>Whether a permission is granted to the application itself or to a signed-in user.</summary>
public enum DefenderPermissionKind
{
    /// <summary>Application permission (app role), carried in the token's <c>roles</c> claim.</summary>
    Application = 0,

    /// <summary>Delegated permission (scope), carried in the token's <c>scp</c> claim.</summary>
    Delegated = 1,
}

/// <summary>A permission an API resource exposes.</summary>
/// <param name="Name">The exact (case-sensitive) permission value, e.g. <c>Incident.Read.All</c>.</param>
/// <param name="Kind">Application or delegated.</param>
/// <param name="DisplayName">The portal's description, when known.</param>
public sealed record DefenderPermission(string Name, DefenderPermissionKind Kind, string? DisplayName);

/// <summary>Where a resource's API is called and which audience its tokens carry, in one cloud.</summary>
/// <param name="ApiBaseUrl">Base URL the operation paths are appended to.</param>
/// <param name="Audience">Token audience; the scope requested is <c>{Audience}/.default</c>.</param>
/// <param name="AuthorityHost">The Entra ID sign-in host of the cloud.</param>
public sealed record DefenderCloudEndpoint(Uri ApiBaseUrl, string Audience, Uri AuthorityHost)
{
    /// <summary>The client-credentials scope for this resource: <c>{Audience}/.default</c>.</summary>
    /// <remarks>Built once: the token cache finds a scope by reference first, and every call asks for it.</remarks>
    public string DefaultScope { get; } = Audience.TrimEnd('/') + "/.default";
}
