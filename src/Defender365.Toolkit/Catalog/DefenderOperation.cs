namespace Defender365.Toolkit.Catalog;

/// <summary>One REST operation of the Defender XDR, Defender for Endpoint or Microsoft Graph security API, as the catalog describes it.</summary>
/// <remarks>Instances are immutable and shared; obtain them from <see cref="DefenderCatalog"/>.</remarks>
public sealed class DefenderOperation
{
    internal DefenderOperation(
        string id,
        string name,
        string group,
        string api,
        string area,
        string summary,
        string method,
        string pathTemplate,
        DefenderResource resource,
        IReadOnlyList<string> applicationPermissions,
        IReadOnlyList<string> delegatedPermissions,
        IReadOnlyList<DefenderField> pathParameters,
        DefenderQueryInfo query,
        DefenderBodyInfo? body,
        DefenderResponseInfo response,
        DefenderPagingStyle paging,
        int successStatus,
        DefenderRateLimit rateLimit,
        Uri? documentation,
        DefenderLifecycle? lifecycle,
        string? duplicateOf,
        DefenderChangeTracking? changeTracking = null)
    {
        Id = id;
        Name = name;
        Group = group;
        Api = api;
        Area = area;
        Summary = summary;
        Method = method;
        PathTemplate = pathTemplate;
        Resource = resource;
        ApplicationPermissions = applicationPermissions;
        DelegatedPermissions = delegatedPermissions;
        PathParameters = pathParameters;
        Query = query;
        Body = body;
        Response = response;
        Paging = paging;
        SuccessStatus = successStatus;
        RateLimit = rateLimit;
        Documentation = documentation;
        Lifecycle = lifecycle;
        DuplicateOf = duplicateOf;
        ChangeTracking = changeTracking;
        Template = Shared.PathTemplate.Parse(pathTemplate);
    }

    /// <summary>Unique identifier: the operation name, prefixed with <c>GraphSecurity.</c> for Microsoft Graph operations.</summary>
    public string Id { get; }

    /// <summary>Operation name as the generated method uses it (<c>ListIncidents</c> → <c>ListIncidentsAsync</c>).</summary>
    public string Name { get; }

    /// <summary><c>Defender</c> for the Defender XDR and Defender for Endpoint APIs, <c>GraphSecurity</c> for Microsoft Graph.</summary>
    public string Group { get; }

    /// <summary>The API surface: <c>xdr</c>, <c>mde</c> or <c>graph</c>.</summary>
    public string Api { get; }

    /// <summary>The API area (<c>Incidents</c>, <c>Machines</c>, …): one generated client per area.</summary>
    public string Area { get; }

    /// <summary>One-line description.</summary>
    public string Summary { get; }

    /// <summary>HTTP method in upper case.</summary>
    public string Method { get; }

    /// <summary>Path relative to the resource's base URL, with <c>{name}</c> placeholders.</summary>
    public string PathTemplate { get; }

    /// <summary>The API resource whose token the call needs and whose permissions it checks.</summary>
    public DefenderResource Resource { get; }

    /// <summary>Application permissions (the token's <c>roles</c>); any one of them suffices. Least privileged first where the docs say so.</summary>
    public IReadOnlyList<string> ApplicationPermissions { get; }

    /// <summary>Delegated permissions (the token's <c>scp</c>); any one of them suffices.</summary>
    public IReadOnlyList<string> DelegatedPermissions { get; }

    /// <summary>Path parameters in template order.</summary>
    public IReadOnlyList<DefenderField> PathParameters { get; }

    /// <summary>OData options and extra query parameters the operation accepts.</summary>
    public DefenderQueryInfo Query { get; }

    /// <summary>The request body, or <see langword="null"/> when the operation takes none.</summary>
    public DefenderBodyInfo? Body { get; }

    /// <summary>What the operation returns.</summary>
    public DefenderResponseInfo Response { get; }

    /// <summary>How a collection result is paged.</summary>
    public DefenderPagingStyle Paging { get; }

    /// <summary>The documented success status code.</summary>
    public int SuccessStatus { get; }

    /// <summary>Documented call quota.</summary>
    public DefenderRateLimit RateLimit { get; }

    /// <summary>The operation's documentation page.</summary>
    public Uri? Documentation { get; }

    /// <summary>
    /// Where the operation stands in Microsoft's retirement plans (its own entry, or its API's), or
    /// <see langword="null"/> when nothing is announced. DEF5001 and DEF5002 report calls from the same data.
    /// </summary>
    public DefenderLifecycle? Lifecycle { get; }

    /// <summary>When the docs give this operation the same path as another one, the id of that operation.</summary>
    public string? DuplicateOf { get; }

    /// <summary>
    /// For a list that can be synced incrementally, the field that orders its changes and the field that identifies an
    /// item; <see langword="null"/> for other operations.
    /// </summary>
    public DefenderChangeTracking? ChangeTracking { get; }

    internal Shared.PathTemplate Template { get; }

    /// <summary>The permission that grants the least access among <see cref="ApplicationPermissions"/>.</summary>
    public string LeastPrivilegedApplicationPermission => ApplicationPermissions[0];

    /// <inheritdoc/>
    public override string ToString() => $"{Id} ({Method} {PathTemplate})";
}

/// <summary>How a list operation returns more results than fit in one response.</summary>
public enum DefenderPagingStyle
{
    /// <summary>Not a list.</summary>
    None = 0,

    /// <summary>A list returned whole in one response.</summary>
    Single = 1,

    /// <summary>OData <c>$top</c>/<c>$skip</c>: the client asks for the next page.</summary>
    Skip = 2,

    /// <summary>The service returns <c>@odata.nextLink</c> until the last page.</summary>
    NextLink = 3,
}

/// <summary>How a list's changes can be followed: each item's change time, filterable with <c>ge</c>, and its identity.</summary>
/// <param name="ChangedAtField">The wire name of the item's last-change time (<c>lastUpdateTime</c>, <c>lastUpdateDateTime</c>).</param>
/// <param name="KeyField">The wire name of the item's identity (<c>id</c>, <c>incidentId</c>).</param>
public sealed record DefenderChangeTracking(string ChangedAtField, string KeyField);

/// <summary>A named, typed value: a path or query parameter, a body field or an entity field.</summary>
/// <param name="Name">The wire name (case-sensitive: body casing differs between APIs).</param>
/// <param name="Type">Catalog type: <c>string</c>, <c>int32</c>, <c>int64</c>, <c>double</c>, <c>bool</c>, <c>datetime</c>, <c>guid</c>, <c>json</c>, <c>binary</c>, <c>enum:Name</c>, <c>entity:Name</c>, <c>array&lt;T&gt;</c> or <c>map&lt;json&gt;</c>.</param>
/// <param name="IsRequired">Whether the API requires it.</param>
/// <param name="IsNullable">Whether the API may send or accept <c>null</c>.</param>
/// <param name="Description">Documentation note, if any.</param>
/// <param name="AllowedValues">For open string sets, the documented values.</param>
public sealed record DefenderField(string Name, string Type, bool IsRequired, bool IsNullable, string? Description, IReadOnlyList<string> AllowedValues);

/// <summary>The query options an operation accepts.</summary>
/// <param name="FilterableFields">Fields accepted in <c>$filter</c>; empty when the docs list none.</param>
/// <param name="MaxTop">The largest <c>$top</c> the service accepts, when documented.</param>
/// <param name="SupportsSkip">Whether <c>$skip</c> is accepted.</param>
/// <param name="Expandable">Navigation properties accepted in <c>$expand</c>.</param>
/// <param name="Parameters">Non-OData query parameters.</param>
public sealed record DefenderQueryInfo(IReadOnlyList<string> FilterableFields, int? MaxTop, bool SupportsSkip, IReadOnlyList<string> Expandable, IReadOnlyList<DefenderField> Parameters);

/// <summary>A request body.</summary>
/// <param name="ContentType">Media type: <c>application/json</c> or <c>multipart/form-data</c>.</param>
/// <param name="IsPartialUpdate">Whether only the fields sent are changed (PATCH semantics).</param>
/// <param name="Fields">Body fields, with their case-sensitive wire names.</param>
/// <param name="MaxFileBytes">For a file upload, the largest file the service accepts, or <see langword="null"/>.</param>
public sealed record DefenderBodyInfo(string ContentType, bool IsPartialUpdate, IReadOnlyList<DefenderField> Fields, long? MaxFileBytes = null);

/// <summary>What an operation returns.</summary>
/// <param name="Entity">The entity name in <see cref="DefenderCatalog.Entities"/>, or <see langword="null"/> for an empty or untyped body.</param>
/// <param name="IsCollection">Whether the response is an OData collection (<c>value</c> array).</param>
public sealed record DefenderResponseInfo(string? Entity, bool IsCollection);

/// <summary>Documented call quota of an operation (per app, per tenant).</summary>
/// <param name="PerMinute">Calls per minute, when documented.</param>
/// <param name="PerHour">Calls per hour, when documented.</param>
/// <remarks>
/// The quota governor (<see cref="Quotas.DefenderQuotaLimiter"/>) keeps calls within these limits per tenant and
/// <see cref="Family"/>, across every instance of an app when they share it through Redis.
/// </remarks>
public sealed record DefenderRateLimit(int? PerMinute, int? PerHour)
{
    /// <summary>Calls per ten minutes, when documented (Secure Score: 10,000).</summary>
    public int? PerTenMinutes { get; init; }

    /// <summary>Requests in flight at once, when documented (Secure Score: 4).</summary>
    public int? MaxConcurrentRequests { get; init; }

    /// <summary>
    /// The name of the quota this operation shares with others, where the docs state one limit for several operations
    /// (<c>GraphSecurity.SecureScore</c>); <see langword="null"/> when the operation has a quota of its own.
    /// </summary>
    public string? Family { get; init; }

    /// <summary>Whether anything is documented.</summary>
    public bool IsDocumented => PerMinute is not null || PerHour is not null || PerTenMinutes is not null || MaxConcurrentRequests is not null;

    /// <inheritdoc/>
    public override string ToString()
    {
        var parts = new List<string>(4);
        if (PerMinute is int minute)
        {
            parts.Add($"{minute} calls per minute");
        }

        if (PerTenMinutes is int tenMinutes)
        {
            parts.Add($"{tenMinutes} per 10 minutes");
        }

        if (PerHour is int hour)
        {
            parts.Add(parts.Count == 0 ? $"{hour} calls per hour" : $"{hour} per hour");
        }

        if (MaxConcurrentRequests is int concurrent)
        {
            parts.Add($"{concurrent} at once");
        }

        return parts.Count == 0 ? "not documented" : string.Join(", ", parts);
    }
}

/// <summary>An entity (model) the APIs send or accept.</summary>
/// <param name="Name">Entity name.</param>
/// <param name="Api">The API surface that defines it.</param>
/// <param name="Fields">Its fields with wire names.</param>
public sealed record DefenderEntity(string Name, string Api, IReadOnlyList<DefenderField> Fields);
