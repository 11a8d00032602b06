namespace Defender365.Toolkit.Http;

/// <summary>The arguments of one operation call: path parameters, OData options, extra query parameters and the body.</summary>
public sealed class DefenderRequestArguments
{
    /// <summary>Path parameter values by template name (<c>id</c>, <c>machineId</c>, …). Strings, numbers and dates are formatted for the API.</summary>
    public IDictionary<string, object?> Path { get; } = new Dictionary<string, object?>(StringComparer.Ordinal);

    /// <summary>Other query parameters (<c>sinceTime</c>, <c>pageSize</c>, …), sent as given.</summary>
    public IDictionary<string, string> Query { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>OData <c>$filter</c>, e.g. <c>status eq 'Active'</c>.</summary>
    public string? Filter { get; set; }

    /// <summary>OData <c>$expand</c>.</summary>
    public string? Expand { get; set; }

    /// <summary>OData <c>$orderby</c>.</summary>
    public string? OrderBy { get; set; }

    /// <summary>The most items to return in total (OData <c>$top</c>); lists page until they have this many.</summary>
    public int? Top { get; set; }

    /// <summary>Items to skip before the first one returned (OData <c>$skip</c>).</summary>
    public int? Skip { get; set; }

    /// <summary>The body: JSON already serialized with the API's property names, or a form from <see cref="DefenderMultipartForm"/>.</summary>
    public BinaryData? Body { get; set; }

    /// <summary>The body's media type when it is not the operation's JSON (a multipart form's, with its boundary).</summary>
    public string? ContentType { get; set; }

    /// <summary>Sets a path parameter; returns this instance.</summary>
    public DefenderRequestArguments WithPath(string name, object value)
    {
        Path[name] = value;
        return this;
    }

    /// <summary>Sets a query parameter; returns this instance.</summary>
    public DefenderRequestArguments WithQuery(string name, string value)
    {
        Query[name] = value;
        return this;
    }
}
