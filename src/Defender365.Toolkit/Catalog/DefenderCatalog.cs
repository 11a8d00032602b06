using System.Text.Json;
using Defender365.Toolkit.Shared;

namespace Defender365.Toolkit.Catalog;

/// <summary>
/// The Defender API catalog: every operation of the Defender XDR, Defender for Endpoint and Microsoft Graph security APIs
/// with its method, path, parameters, body, response, any-of permissions and limits; the permissions of each resource
/// and what implies what; the hosts and token audiences per cloud.
/// </summary>
/// <remarks>
/// The data is the repository's <c>catalog/defender-api-catalog.json</c>, embedded in this assembly. The generator,
/// the analyzers and the emulator read the same file, so what an operation needs is written once.
/// </remarks>
public sealed class DefenderCatalog
{
    private const string ResourceName = "Defender365.Toolkit.defender-api-catalog.json";
    private static readonly Lazy<DefenderCatalog> LazyDefault = new(LoadEmbedded);

    private readonly Dictionary<string, DefenderOperation> _operationsById;
    private readonly Dictionary<string, DefenderResource> _resources;
    private readonly OperationPathIndex<DefenderOperation> _byPath;

    private DefenderCatalog(
        IReadOnlyList<DefenderResource> resources,
        IReadOnlyList<DefenderOperation> operations,
        IReadOnlyDictionary<string, DefenderEntity> entities,
        IReadOnlyDictionary<string, IReadOnlyList<string>> enums)
    {
        Resources = resources;
        Operations = operations;
        Entities = entities;
        Enums = enums;
        _resources = resources.ToDictionary(r => r.Id, StringComparer.Ordinal);
        _byPath = new OperationPathIndex<DefenderOperation>(operations
            .Where(o => o.DuplicateOf is null)
            .Select(o => (o, o.Method, o.Template)));
        _operationsById = new Dictionary<string, DefenderOperation>(StringComparer.Ordinal);
        foreach (var operation in operations)
        {
            if (!_operationsById.TryAdd(operation.Id, operation))
            {
                throw new InvalidDataException($"The catalog defines the operation '{operation.Id}' twice.");
            }
        }
    }

    /// <summary>The catalog shipped with this version of the toolkit.</summary>
    public static DefenderCatalog Default => LazyDefault.Value;

    /// <summary>The API resources (Defender XDR, Defender for Endpoint, Microsoft Graph).</summary>
    public IReadOnlyList<DefenderResource> Resources { get; }

    /// <summary>Every operation, ordered by group, area and name.</summary>
    public IReadOnlyList<DefenderOperation> Operations { get; }

    /// <summary>Entities by name.</summary>
    public IReadOnlyDictionary<string, DefenderEntity> Entities { get; }

    /// <summary>Enumerations by name, with every documented value (spellings differ between doc pages; all are kept).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Enums { get; }

    /// <summary>Gets an operation by <see cref="DefenderOperation.Id"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such operation; the message suggests the closest id.</exception>
    public DefenderOperation GetOperation(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (_operationsById.TryGetValue(id, out var operation))
        {
            return operation;
        }

        var suggestion = _operationsById.Keys.MinBy(k => EditDistance.Compute(k, id));
        throw new KeyNotFoundException($"The catalog has no operation '{id}'. Did you mean '{suggestion}'?");
    }

    /// <summary>Gets an operation by id, if it exists.</summary>
    public bool TryGetOperation(string id, out DefenderOperation operation) => _operationsById.TryGetValue(id, out operation!);

    /// <summary>Gets a resource by id (one of <see cref="DefenderResourceIds"/>).</summary>
    /// <exception cref="KeyNotFoundException">No such resource.</exception>
    public DefenderResource GetResource(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return _resources.TryGetValue(id, out var resource)
            ? resource
            : throw new KeyNotFoundException($"The catalog has no resource '{id}'. Known resources: {string.Join(", ", _resources.Keys)}.");
    }

    /// <summary>
    /// Finds the operation a request addresses: method plus path relative to the API base (no query string). The most
    /// specific template wins (fewest parameters, then the longest); an operation the docs give the same path as
    /// another (<see cref="DefenderOperation.DuplicateOf"/>) is never matched.
    /// </summary>
    /// <returns>The operation and its path parameters, or <see langword="null"/> when no operation matches.</returns>
    public (DefenderOperation Operation, IReadOnlyDictionary<string, string> PathValues)? MatchRequest(string method, string path)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(path);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        return _byPath.Match(method, path, values: values) is { } operation ? (operation, values) : null;
    }

    /// <summary>Reads a catalog from JSON in the repository's catalog format.</summary>
    /// <exception cref="InvalidDataException">The JSON does not follow the format; the message names the element.</exception>
    public static DefenderCatalog Load(Stream json)
    {
        ArgumentNullException.ThrowIfNull(json);
        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        return CatalogReader.Read(document.RootElement, (resources, operations, entities, enums) => new DefenderCatalog(resources, operations, entities, enums));
    }

    private static DefenderCatalog LoadEmbedded()
    {
        using var stream = typeof(DefenderCatalog).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource '{ResourceName}' is missing from {typeof(DefenderCatalog).Assembly.GetName().Name}.");
        return Load(stream);
    }
}
