using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Defender365.Toolkit.Catalog;

namespace Defender365.Toolkit.Tests.Catalog;

/// <summary>
/// Every Microsoft Graph operation of the catalog names exactly the application permissions that Microsoft's own
/// permission map gives for its method and path, least privileged first (<c>catalog/graph-permission-map.json</c>, an
/// extract of the map behind <c>Find-MgGraphPermission</c>, pinned to a commit).
/// </summary>
public sealed partial class GraphPermissionMapTests
{
    private static readonly string Root = typeof(GraphPermissionMapTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;

    private static readonly Lazy<Dictionary<(string Method, string Path), (string Name, bool Least)[]>> Map = new(() =>
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "catalog", "graph-permission-map.json")));
        // The map spells some paths in two ways (case, a function with and without its parameters): one entry after normalizing.
        return document.RootElement.GetProperty("paths").EnumerateArray()
            .SelectMany(e => e.GetProperty("application").EnumerateArray().Select(p => (
                Key: (e.GetProperty("method").GetString()!, Normalize(e.GetProperty("path").GetString()!)),
                Name: p.GetProperty("name").GetString()!,
                Least: p.GetProperty("leastPrivileged").GetBoolean())))
            .GroupBy(p => p.Key)
            .ToDictionary(g => g.Key, g => g.GroupBy(p => p.Name).Select(n => (n.Key, n.Any(p => p.Least))).ToArray());
    });

    // The map's spelling: no version segment, lower case, every key "{id}", a function without its parameters.
    private static string Normalize(string path)
    {
        var withoutVersion = VersionSegment().Replace(path, string.Empty);
        var withoutParameters = FunctionParameters().Replace(withoutVersion, string.Empty);
        return PathKey().Replace(withoutParameters, "{id}").ToLowerInvariant();
    }

    public static TheoryData<string> GraphOperations()
    {
        var data = new TheoryData<string>();
        foreach (var operation in DefenderCatalog.Default.Operations.Where(o => o.Api == "graph"))
        {
            data.Add(operation.Id);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(GraphOperations))]
    public void Names_the_application_permissions_of_Microsofts_map_least_privileged_first(string operationId)
    {
        var operation = DefenderCatalog.Default.GetOperation(operationId);
        var key = (operation.Method, Normalize(operation.PathTemplate));

        Assert.True(Map.Value.TryGetValue(key, out var mapped), $"{operationId}: {key.Method} {key.Item2} is not in the permission map");
        Assert.Equal(mapped.Select(p => p.Name).Order(StringComparer.Ordinal), operation.ApplicationPermissions.Order(StringComparer.Ordinal));
        // Least privileged first: the permissions the map marks least come before the others.
        var least = mapped.Where(p => p.Least).Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        Assert.Contains(operation.ApplicationPermissions[0], least);
        var firstOther = operation.ApplicationPermissions.ToList().FindIndex(p => !least.Contains(p));
        Assert.True(firstOther < 0 || operation.ApplicationPermissions.Skip(firstOther).All(p => !least.Contains(p)), $"{operationId}: {string.Join(", ", operation.ApplicationPermissions)} is not least privileged first");
    }

    [Fact]
    public void The_extract_names_its_source_commit_and_holds_the_security_paths()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "catalog", "graph-permission-map.json")));
        var commit = document.RootElement.GetProperty("commit").GetString()!;
        Assert.Matches("^[0-9a-f]{40}$", commit);
        Assert.Contains(commit, document.RootElement.GetProperty("source").GetString()!, StringComparison.Ordinal);
        Assert.True(Map.Value.ContainsKey(("POST", "/security/runhuntingquery")));
        Assert.True(Map.Value.Keys.Count(k => k.Path.StartsWith("/security/", StringComparison.Ordinal)) > 100);
    }

    [GeneratedRegex(@"^/(v1\.0|beta)")]
    private static partial Regex VersionSegment();

    [GeneratedRegex(@"\([^)]*\)")]
    private static partial Regex FunctionParameters();

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex PathKey();
}
