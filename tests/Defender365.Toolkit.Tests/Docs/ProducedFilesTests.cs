using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Defender365.Toolkit.Catalog;

namespace Defender365.Toolkit.Tests.Docs;

/// <summary>
/// Files produced from the catalog (docs/permissions.md, the manifest's JSON schema) must match it. After a catalog edit,
/// run the tests with <c>DEFENDER_UPDATE_DOCS=1</c> to rewrite them, and review the diff.
/// </summary>
public sealed class ProducedFilesTests
{
    private static readonly string Root = typeof(ProducedFilesTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;

    [Fact]
    public void Permissions_table_is_current() => Check("docs/permissions.md", PermissionsTable());

    [Fact]
    public void Manifest_schema_lists_the_catalog_permissions() => Check("schema/defender-scopes.schema.json", Schema());

    private static void Check(string relativePath, string expected)
    {
        var path = Path.Combine(Root, relativePath);
        if (Environment.GetEnvironmentVariable("DEFENDER_UPDATE_DOCS") == "1")
        {
            File.WriteAllText(path, expected);
            return;
        }

        Assert.True(File.Exists(path), $"{relativePath} is missing; run the tests with DEFENDER_UPDATE_DOCS=1.");
        Assert.True(File.ReadAllText(path) == expected, $"{relativePath} is out of date with the catalog; run the tests with DEFENDER_UPDATE_DOCS=1 and review the diff.");
    }

    private static string PermissionsTable()
    {
        var text = new StringBuilder()
            .Append("# Operations and the permissions they need\n\n")
            .Append("Produced from `catalog/defender-api-catalog.json` (a test keeps it current). Any one permission of a row suffices; a\n")
            .Append("ReadWrite permission also covers its Read form. Declare what your app needs in `defender-scopes.json`\n")
            .Append("(see [manifest.md](manifest.md)).\n");
        foreach (var group in DefenderCatalog.Default.Operations.GroupBy(o => o.Resource))
        {
            text.Append("\n## ").Append(group.Key.DisplayName).Append(" (`").Append(group.Key.Id).Append("`)\n\n");
            text.Append("| Area | Operation | Request | Application permissions | Delegated permissions | Rate limit |\n");
            text.Append("|---|---|---|---|---|---|\n");
            foreach (var operation in group.OrderBy(o => o.Area, StringComparer.Ordinal).ThenBy(o => o.Name, StringComparer.Ordinal))
            {
                text.Append("| ").Append(operation.Area)
                    .Append(" | ").Append(operation.Documentation is { } docs ? $"[{operation.Id}]({docs})" : operation.Id)
                    .Append(" | `").Append(operation.Method).Append(' ').Append(operation.PathTemplate.Replace("|", "\\|", StringComparison.Ordinal)).Append('`')
                    .Append(" | ").Append(string.Join(", ", operation.ApplicationPermissions))
                    .Append(" | ").Append(string.Join(", ", operation.DelegatedPermissions))
                    .Append(" | ").Append(operation.RateLimit.IsDocumented ? operation.RateLimit.ToString() : string.Empty)
                    .Append(" |\n");
            }
        }

        return text.Append(LifecycleTable()).ToString();
    }

    // Every operation with a lifecycle of its own, in a row; an API's shared lifecycle (one instance for many operations) in a line.
    private static string LifecycleTable()
    {
        var operations = DefenderCatalog.Default.Operations;
        var shared = operations.Where(o => o.Lifecycle is not null).GroupBy(o => o.Lifecycle!).Where(g => g.Count() > 3).ToArray();
        var listed = operations
            .Where(o => o.Lifecycle is not null && !shared.Any(g => g.Key == o.Lifecycle))
            .OrderBy(o => o.Lifecycle!.Status == DefenderLifecycleStatus.AtRisk)
            .ThenBy(o => o.Lifecycle!.Date)
            .ThenBy(o => o.Id, StringComparer.Ordinal)
            .ToArray();
        var text = new StringBuilder()
            .Append("\n## Lifecycle\n\n")
            .Append("What Microsoft retires, as the catalog records it ([DEF5001](rules/DEF5001.md) reports calls to retiring and retired\n")
            .Append("operations, [DEF5002](rules/DEF5002.md) to at-risk ones). Permissions of the replacement are on its resource.\n\n")
            .Append("| Operation | Status | Replacement | Permission change | Source |\n")
            .Append("|---|---|---|---|---|\n");
        foreach (var operation in listed)
        {
            var lifecycle = operation.Lifecycle!;
            var status = lifecycle.Status switch
            {
                DefenderLifecycleStatus.Retiring => $"retiring {lifecycle.Date:yyyy-MM-dd}",
                DefenderLifecycleStatus.Retired => $"retired {lifecycle.Date:yyyy-MM-dd}",
                _ => "at risk, no date",
            };
            text.Append("| ").Append(operation.Id)
                .Append(" | ").Append(status).Append(lifecycle.Announcement is { } id ? $" ({id})" : string.Empty)
                .Append(" | ").Append(lifecycle.ReplacementOperationId ?? "none")
                .Append(" | ").Append(string.Join(", ", lifecycle.PermissionMap.Select(p => $"{p.Key} → {p.Value}")))
                .Append(" | [source](").Append(lifecycle.Source).Append(')')
                .Append(" |\n");
        }

        foreach (var api in shared.OrderBy(g => g.First().Api, StringComparer.Ordinal))
        {
            text.Append("\nAt risk, no date: the ").Append(api.Count()).Append(" other ").Append(api.First().Api).Append(" operations (")
                .Append(string.Join(", ", api.Select(o => o.Id).Order(StringComparer.Ordinal).Take(3))).Append(", …). ")
                .Append(api.Key.Guidance).Append('\n');
        }

        return text.ToString();
    }

    private static string Schema()
    {
        var resources = new JsonObject();
        var defs = new JsonObject();
        foreach (var resource in DefenderCatalog.Default.Resources)
        {
            resources[resource.DisplayName] = new JsonObject { ["$ref"] = $"#/$defs/{resource.Id}" };
            defs[resource.Id] = new JsonObject
            {
                ["description"] = $"{resource.DisplayName}: declared permissions.",
                ["type"] = "object",
                ["additionalProperties"] = false,
                ["properties"] = new JsonObject
                {
                    ["application"] = Permissions(resource, DefenderPermissionKind.Application),
                    ["delegated"] = Permissions(resource, DefenderPermissionKind.Delegated),
                },
            };
        }

        var schema = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$id"] = "https://github.com/defender365-toolkit/Defender365.Toolkit/blob/main/schema/defender-scopes.schema.json",
            ["title"] = "Defender365.Toolkit scope manifest (defender-scopes.json)",
            ["description"] = "The Defender API permissions this app holds, per API resource, as the Entra ID portal shows them. The Defender365.Toolkit generator emits permission constants and typed clients from it.",
            ["type"] = "object",
            ["additionalProperties"] = false,
            ["required"] = new JsonArray("permissions"),
            ["properties"] = new JsonObject
            {
                ["$schema"] = new JsonObject { ["type"] = "string" },
                ["namespace"] = new JsonObject
                {
                    ["description"] = "C# namespace of the generated code. Default: the project's root namespace + '.Defender'.",
                    ["type"] = "string",
                    ["pattern"] = "^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*$",
                },
                ["cloud"] = new JsonObject
                {
                    ["description"] = "The cloud of the app and its customer tenants: it picks the sign-in host, API hosts and token audiences.",
                    ["enum"] = new JsonArray(Enum.GetNames<DefenderCloud>().Select(n => (JsonNode)n).ToArray()),
                    ["default"] = "Commercial",
                },
                ["graphBeta"] = new JsonObject
                {
                    ["description"] = "Also generate the Microsoft Graph beta operations of the catalog (they change without notice). Default: false.",
                    ["type"] = "boolean",
                    ["default"] = false,
                },
                ["permissions"] = new JsonObject
                {
                    ["description"] = "Declared permissions per resource.",
                    ["type"] = "object",
                    ["additionalProperties"] = false,
                    ["properties"] = resources,
                },
            },
            ["$defs"] = defs,
        };
        return schema.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";

        static JsonObject Permissions(DefenderResource resource, DefenderPermissionKind kind) => new()
        {
            ["type"] = "array",
            ["uniqueItems"] = true,
            ["items"] = new JsonObject
            {
                ["enum"] = new JsonArray(resource.Permissions.Where(p => p.Kind == kind).Select(p => (JsonNode)p.Name).ToArray()),
            },
        };
    }
}
