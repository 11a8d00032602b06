using System.Text.Json;
using System.Text.RegularExpressions;
using Defender365.Toolkit.Catalog;

namespace Defender365.Toolkit.Tests.Catalog;

/// <summary>The catalog file is the one truth every component reads: it must be internally consistent.</summary>
public sealed partial class CatalogConsistencyTests
{
    private static readonly DefenderCatalog Catalog = DefenderCatalog.Default;

    [Fact]
    public void Embedded_catalog_is_the_repository_file()
    {
        using var file = File.OpenRead(Path.Combine(AppContext.BaseDirectory, "defender-api-catalog.json"));
        var fromFile = DefenderCatalog.Load(file);
        Assert.Equal(fromFile.Operations.Select(o => o.Id), Catalog.Operations.Select(o => o.Id));
    }

    [Fact]
    public void Covers_every_api_surface()
    {
        Assert.Equal(4, Catalog.Operations.Count(o => o.Api == "xdr"));
        Assert.Equal(114, Catalog.Operations.Count(o => o.Api == "mde"));
        Assert.Equal(39, Catalog.Operations.Count(o => o.Api == "graph"));
    }

    [Fact]
    public void Operation_ids_are_unique_and_names_unique_within_a_group()
    {
        Assert.Equal(Catalog.Operations.Count, Catalog.Operations.Select(o => o.Id).Distinct(StringComparer.Ordinal).Count());
        foreach (var group in Catalog.Operations.GroupBy(o => o.Group))
        {
            var duplicates = group.GroupBy(o => o.Name).Where(g => g.Count() > 1).Select(g => g.Key).ToArray();
            Assert.True(duplicates.Length == 0, $"{group.Key}: duplicate names {string.Join(", ", duplicates)}");
        }
    }

    [Fact]
    public void Every_permission_an_operation_names_exists_on_its_resource()
    {
        var problems = new List<string>();
        foreach (var operation in Catalog.Operations)
        {
            Check(operation, operation.ApplicationPermissions, DefenderPermissionKind.Application);
            Check(operation, operation.DelegatedPermissions, DefenderPermissionKind.Delegated);
            if (operation.ApplicationPermissions.Count == 0)
            {
                problems.Add($"{operation.Id}: no application permission");
            }
        }

        Assert.Empty(problems);

        void Check(DefenderOperation operation, IReadOnlyList<string> names, DefenderPermissionKind kind)
        {
            foreach (var name in names)
            {
                if (!operation.Resource.TryGetPermission(name, kind, out _))
                {
                    problems.Add($"{operation.Id}: {kind} permission '{name}' is not defined on {operation.Resource.Id}");
                }
            }
        }
    }

    [Fact]
    public void Every_lifecycle_names_a_real_replacement_and_maps_to_its_permissions()
    {
        var problems = new List<string>();
        foreach (var operation in Catalog.Operations.Where(o => o.Lifecycle is not null))
        {
            var lifecycle = operation.Lifecycle!;
            if ((lifecycle.Status == DefenderLifecycleStatus.AtRisk) != (lifecycle.Date is null))
            {
                problems.Add($"{operation.Id}: a retiring or retired operation has a date, an at-risk one has none");
            }

            if (lifecycle.Source.Scheme != Uri.UriSchemeHttps)
            {
                problems.Add($"{operation.Id}: the lifecycle source is not an https link");
            }

            if (lifecycle.ReplacementOperationId is not { } id)
            {
                if (lifecycle.PermissionMap.Count > 0 || lifecycle.Status != DefenderLifecycleStatus.AtRisk && lifecycle.Guidance is null)
                {
                    problems.Add($"{operation.Id}: without a replacement, a lifecycle has no permission map, and a dated one says what to do instead");
                }

                continue;
            }

            if (!Catalog.TryGetOperation(id, out var replacement) || replacement.Lifecycle?.Status is DefenderLifecycleStatus.Retiring or DefenderLifecycleStatus.Retired)
            {
                problems.Add($"{operation.Id}: the replacement '{id}' is not a current catalog operation");
                continue;
            }

            // Every permission that allows the call today has its counterpart, which allows the replacement.
            foreach (var permission in operation.ApplicationPermissions)
            {
                if (!lifecycle.PermissionMap.TryGetValue(permission, out var mapped))
                {
                    problems.Add($"{operation.Id}: no mapping for {permission}");
                }
                else if (!replacement.Resource.IsSatisfiedBy(replacement.ApplicationPermissions, [mapped]))
                {
                    problems.Add($"{operation.Id}: {permission} → {mapped}, which does not allow {id}");
                }
            }
        }

        Assert.Empty(problems);
        Assert.Equal(new DateOnly(2027, 2, 1), Catalog.GetOperation("RunAdvancedHuntingQuery").Lifecycle!.Date);
        Assert.Equal("GraphSecurity.RunHuntingQuery", Catalog.GetOperation("RunAdvancedQuery").Lifecycle!.ReplacementOperationId);
        Assert.All(Catalog.Operations.Where(o => o.Api is "mde" or "xdr"), o => Assert.NotNull(o.Lifecycle));
        Assert.All(Catalog.Operations.Where(o => o.Api == "graph" && o.Id != "GraphSecurity.ListLegacyAlerts"), o => Assert.Null(o.Lifecycle));
    }

    [Fact]
    public void Every_polymorphic_family_names_entities_that_derive_from_it()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "defender-api-catalog.json")));
        var entities = document.RootElement.GetProperty("entities");
        var problems = new List<string>();
        var families = 0;
        foreach (var entity in entities.EnumerateObject())
        {
            if (entity.Value.TryGetProperty("baseType", out var baseType) && !(entities.TryGetProperty(baseType.GetString()!, out var parent) && parent.TryGetProperty("polymorphic", out _)))
            {
                problems.Add($"{entity.Name}: its baseType '{baseType}' is not a polymorphic entity");
            }

            if (!entity.Value.TryGetProperty("polymorphic", out var family))
            {
                continue;
            }

            families++;
            var members = family.GetProperty("types").EnumerateObject().Select(t => t.Value.GetString()!).Append(family.GetProperty("unknownType").GetString()!);
            foreach (var member in members)
            {
                if (!entities.TryGetProperty(member, out var derived) || derived.GetProperty("baseType").GetString() != entity.Name)
                {
                    problems.Add($"{entity.Name}: member '{member}' is missing or does not name it as its baseType");
                }
            }

            if (!entities.GetProperty(family.GetProperty("unknownType").GetString()!).TryGetProperty("keepsRaw", out var raw) || !raw.GetBoolean())
            {
                problems.Add($"{entity.Name}: its unknown member must keep the raw JSON");
            }
        }

        Assert.Empty(problems);
        Assert.Equal(1, families);
    }

    [Fact]
    public void Every_implication_names_permissions_of_its_resource()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "defender-api-catalog.json")));
        foreach (var resource in document.RootElement.GetProperty("resources").EnumerateArray())
        {
            var model = Catalog.GetResource(resource.GetProperty("id").GetString()!);
            foreach (var implication in resource.GetProperty("implications").EnumerateArray())
            {
                var kind = implication.GetProperty("type").GetString() == "application" ? DefenderPermissionKind.Application : DefenderPermissionKind.Delegated;
                Assert.True(model.TryGetPermission(implication.GetProperty("permission").GetString()!, kind, out _), implication.ToString());
                Assert.True(model.TryGetPermission(implication.GetProperty("implies").GetString()!, kind, out _), implication.ToString());
            }
        }
    }

    [Fact]
    public void Every_integer_is_int64_because_the_services_send_values_beyond_int32()
    {
        // The raw file, so path, query and body fields are seen as well as entity fields.
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "defender-api-catalog.json"));
        Assert.DoesNotContain("\"int32\"", text, StringComparison.Ordinal);
        Assert.Contains(Catalog.Entities["IncidentDevice"].Fields, f => f.Name == "rbacGroupId" && f.Type == "int64");
    }

    [Fact]
    public void Every_entity_and_enum_referenced_exists()
    {
        var problems = new List<string>();
        foreach (var operation in Catalog.Operations)
        {
            if (operation.Response.Entity is { } entity && !Catalog.Entities.ContainsKey(entity))
            {
                problems.Add($"{operation.Id}: response entity {entity}");
            }

            foreach (var field in operation.Body?.Fields ?? [])
            {
                CheckType(operation.Id + "." + field.Name, field.Type);
            }
        }

        foreach (var entity in Catalog.Entities.Values)
        {
            foreach (var field in entity.Fields)
            {
                CheckType(entity.Name + "." + field.Name, field.Type);
            }
        }

        Assert.Empty(problems);

        void CheckType(string where, string type)
        {
            foreach (Match match in TypeReference().Matches(type))
            {
                var (kind, name) = (match.Groups[1].Value, match.Groups[2].Value);
                var known = kind == "entity" ? Catalog.Entities.ContainsKey(name) : Catalog.Enums.ContainsKey(name);
                if (!known)
                {
                    problems.Add($"{where}: {kind} {name}");
                }
            }
        }
    }

    [Fact]
    public void Path_parameters_match_the_path_template()
    {
        foreach (var operation in Catalog.Operations)
        {
            var inTemplate = PathPlaceholder().Matches(operation.PathTemplate).Select(m => m.Groups[1].Value).ToArray();
            Assert.Equal(inTemplate, operation.PathParameters.Select(p => p.Name).ToArray());
        }
    }

    [Fact]
    public void Lists_and_only_lists_are_paged()
    {
        foreach (var operation in Catalog.Operations)
        {
            Assert.Equal(operation.Response.IsCollection, operation.Paging != DefenderPagingStyle.None);
        }
    }

    [Fact]
    public void Change_tracking_names_a_filterable_change_time_and_an_identity()
    {
        var tracked = Catalog.Operations.Where(o => o.ChangeTracking is not null).ToArray();
        Assert.Equal(["GraphSecurity.ListAlertsV2", "GraphSecurity.ListIncidents", "ListAlerts", "ListIncidents"], tracked.Select(o => o.Id).Order(StringComparer.Ordinal));
        foreach (var operation in tracked)
        {
            var tracking = operation.ChangeTracking!;
            Assert.True(operation.Response.IsCollection && operation.Paging is DefenderPagingStyle.Skip or DefenderPagingStyle.NextLink, operation.Id);
            Assert.Contains(tracking.ChangedAtField, operation.Query.FilterableFields);
            var fields = Catalog.Entities[operation.Response.Entity!].Fields;
            Assert.Equal("datetime", Assert.Single(fields, f => f.Name == tracking.ChangedAtField).Type);
            var key = Assert.Single(fields, f => f.Name == tracking.KeyField);
            Assert.True(key.Type is "string" or "int64" or "guid", $"{operation.Id}: the key {key.Name} is a {key.Type}");
        }
    }

    [Fact]
    public void Every_resource_has_an_https_endpoint_in_every_cloud()
    {
        foreach (var resource in Catalog.Resources)
        {
            foreach (var cloud in Enum.GetValues<DefenderCloud>())
            {
                var endpoint = resource.GetEndpoint(cloud);
                Assert.Equal(Uri.UriSchemeHttps, endpoint.ApiBaseUrl.Scheme);
                Assert.Equal(Uri.UriSchemeHttps, endpoint.AuthorityHost.Scheme);
                Assert.EndsWith("/.default", endpoint.DefaultScope, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void Every_request_path_resolves_to_its_own_operation()
    {
        foreach (var operation in Catalog.Operations.Where(o => o.DuplicateOf is null))
        {
            var path = string.Concat(PathPlaceholder().Split(operation.PathTemplate).Select((part, i) => i % 2 == 1 ? "x1" : part));
            var match = Catalog.MatchRequest(operation.Method, path);
            Assert.True(match is not null, $"{operation.Id}: {path} matched nothing");
            Assert.Equal(operation.Id, match!.Value.Operation.Id);
        }
    }

    [GeneratedRegex(@"\b(entity|enum):(\w+)")]
    private static partial Regex TypeReference();

    [GeneratedRegex(@"\{(\w+)\}")]
    private static partial Regex PathPlaceholder();
}
