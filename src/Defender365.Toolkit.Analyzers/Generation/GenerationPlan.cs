using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using Defender365.Toolkit.Analyzers.Catalog;
using Defender365.Toolkit.Analyzers.Generation.Specs;

namespace Defender365.Toolkit.Analyzers.Generation;

/// <summary>
/// What to emit for a spec: every API area of the catalog with all of its operations, and the models they need. Each area
/// and operation knows whether the manifest declares it (the declared permissions allow the operation; an area is
/// declared when one of its operations is), so the emitter can keep the others out of IntelliSense.
/// </summary>
/// <remarks>
/// Everything is generated, not just what is declared, so that a call outside the manifest compiles to DEF2001 and its
/// fix (which declares the permission) instead of CS1061 "does not contain a definition", which explains nothing.
/// </remarks>
internal sealed class GenerationPlan
{
    private static readonly Regex TypeReference = new(@"\b(entity|enum):(\w+)", RegexOptions.CultureInvariant);

    private GenerationPlan(GenerationSpec spec, IReadOnlyList<AreaPlan> areas, IReadOnlyList<string> entities, IReadOnlyList<string> enums)
    {
        Spec = spec;
        Areas = areas;
        Entities = entities;
        Enums = enums;
    }

    public GenerationSpec Spec { get; }

    public string ModelsNamespace => Spec.Namespace + ".Models";

    public IReadOnlyList<AreaPlan> Areas { get; }

    public IEnumerable<AreaPlan> DefenderAreas => Areas.Where(a => !a.IsGraph);

    public IEnumerable<AreaPlan> GraphAreas => Areas.Where(a => a.IsGraph);

    /// <summary>Whether the manifest declares any Graph security operation (else the <c>GraphSecurity</c> property is hidden).</summary>
    public bool DeclaresGraph => GraphAreas.Any(a => a.IsDeclared);

    /// <summary>Entity names to emit, ordinal order.</summary>
    public IReadOnlyList<string> Entities { get; }

    /// <summary>Enum names to emit, ordinal order.</summary>
    public IReadOnlyList<string> Enums { get; }

    public static GenerationPlan Create(GenerationSpec spec)
    {
        var catalog = ApiCatalog.Instance;
        var areas = catalog.Operations
            .Where(o => o.DuplicateOf is null && (spec.GraphBeta || !o.IsBeta))
            .GroupBy(o => (o.Group, o.Area))
            .Select(g => new AreaPlan(
                g.Key.Group == "GraphSecurity",
                g.Key.Area,
                g.OrderBy(o => o.Name, StringComparer.Ordinal).ToArray(),
                new HashSet<string>(g.Where(o => IsAllowed(spec, catalog.GetResource(o.Resource), o)).Select(o => o.Id), StringComparer.Ordinal)))
            .OrderBy(a => a.IsGraph)
            .ThenBy(a => a.Area, StringComparer.Ordinal)
            .ToArray();

        var entities = new SortedSet<string>(StringComparer.Ordinal);
        var enums = new SortedSet<string>(StringComparer.Ordinal);
        var pending = new Queue<string>();
        void Visit(string type)
        {
            foreach (Match match in TypeReference.Matches(type))
            {
                var name = match.Groups[2].Value;
                if (match.Groups[1].Value == "enum")
                {
                    enums.Add(name);
                }
                else if (entities.Add(name))
                {
                    pending.Enqueue(name);
                }
            }
        }

        foreach (var operation in areas.SelectMany(a => a.Operations))
        {
            if (operation.ResponseEntity is { } entity)
            {
                Visit("entity:" + entity);
            }

            foreach (var field in operation.Body?.Fields ?? Array.Empty<CatalogField>())
            {
                Visit(field.Type);
            }
        }

        while (pending.Count > 0)
        {
            if (catalog.Entities.TryGetValue(pending.Dequeue(), out var entity))
            {
                foreach (var field in entity.Fields)
                {
                    Visit(field.Type);
                }

                // A polymorphic family brings every member (and the one for unknown kinds); a member brings its base.
                foreach (var member in entity.Polymorphism?.Types.Select(t => t.Value).Append(entity.Polymorphism.UnknownType) ?? Enumerable.Empty<string>())
                {
                    Visit("entity:" + member);
                }

                if (entity.BaseType is { } baseType)
                {
                    Visit("entity:" + baseType);
                }
            }
        }

        return new GenerationPlan(spec, areas, entities.ToArray(), enums.ToArray());
    }

    /// <summary>Whether the declared permissions allow the operation (a declared ReadWrite covers a required Read).</summary>
    public static bool IsAllowed(GenerationSpec spec, CatalogResource resource, CatalogOperation operation)
    {
        var grant = spec.Resources.FirstOrDefault(r => r.ResourceId == resource.Id);
        if (grant is null)
        {
            return false;
        }

        return resource.LeastPrivilegedSatisfier(operation.ApplicationPermissions, grant.Application, delegated: false) is not null
            || resource.LeastPrivilegedSatisfier(operation.DelegatedPermissions, grant.Delegated, delegated: true) is not null;
    }

    /// <summary>The request body type of an operation: <c>{Name}Request</c>, prefixed <c>Graph</c> for Graph operations.</summary>
    public static string RequestTypeName(CatalogOperation operation) =>
        (operation.Group == "GraphSecurity" ? "Graph" : string.Empty) + operation.Name + "Request";
}

/// <summary>One generated area client and its operations.</summary>
internal sealed class AreaPlan
{
    private readonly HashSet<string> _declared;

    public AreaPlan(bool isGraph, string area, IReadOnlyList<CatalogOperation> operations, HashSet<string> declaredOperationIds)
    {
        IsGraph = isGraph;
        Area = area;
        Operations = operations;
        _declared = declaredOperationIds;
    }

    /// <summary>Whether the manifest's permissions allow at least one operation of the area.</summary>
    public bool IsDeclared => _declared.Count > 0;

    /// <summary>Whether the manifest's permissions allow the operation.</summary>
    public bool Declares(CatalogOperation operation) => _declared.Contains(operation.Id);

    public bool IsGraph { get; }

    public string Area { get; }

    public IReadOnlyList<CatalogOperation> Operations { get; }

    /// <summary><c>IncidentsClient</c>, or <c>GraphSecurityIncidentsClient</c> for Graph.</summary>
    public string ClientName => (IsGraph ? "GraphSecurity" : string.Empty) + Area + "Client";
}
