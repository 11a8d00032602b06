using System.Reflection;
using Defender365.Toolkit.Analyzers.Catalog;
using Defender365.Toolkit.Analyzers.Generation;

namespace Defender365.Toolkit.Analyzers.Tests.Generation;

/// <summary>
/// No generated model or enum has the name of a type that SDK-style projects import in every file (their implicit
/// usings): a consumer who adds <c>using Contoso.Defender.Models;</c> must still be able to write <c>File.ReadAllText</c>.
/// </summary>
public sealed class ImplicitUsingsCollisionTests
{
    // Microsoft.NET.Sdk's implicit usings, and the Microsoft.Extensions ones of the Worker and Web SDKs.
    private static readonly HashSet<string> ImplicitNamespaces =
    [
        "System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Threading", "System.Threading.Tasks",
        "Microsoft.Extensions.Configuration", "Microsoft.Extensions.DependencyInjection", "Microsoft.Extensions.Hosting", "Microsoft.Extensions.Logging",
    ];

    private static readonly Assembly[] Assemblies =
    [
        typeof(object).Assembly, typeof(Enumerable).Assembly, typeof(HttpClient).Assembly, typeof(Queue<>).Assembly, typeof(Console).Assembly,
        typeof(Microsoft.Extensions.Configuration.IConfiguration).Assembly, typeof(Microsoft.Extensions.DependencyInjection.IServiceCollection).Assembly,
        typeof(Microsoft.Extensions.Hosting.IHostApplicationBuilder).Assembly, typeof(Microsoft.Extensions.Logging.ILogger).Assembly,
    ];

    [Fact]
    public void Model_and_enum_names_do_not_collide_with_implicitly_imported_types()
    {
        var imported = Assemblies.SelectMany(a => a.GetExportedTypes())
            .Where(t => t.Namespace is { } ns && ImplicitNamespaces.Contains(ns) && !t.IsGenericTypeDefinition && !t.IsNested)
            .Select(t => t.Name)
            .ToHashSet(StringComparer.Ordinal);
        var catalog = ApiCatalog.Instance;

        var colliding = catalog.Entities.Keys.Concat(catalog.Enums.Keys).Select(Names.Type).Where(imported.Contains).ToArray();

        Assert.Contains("File", imported); // the check sees System.IO
        Assert.True(colliding.Length == 0, "Generated names that hide an implicitly imported type: " + string.Join(", ", colliding));
        Assert.Equal("DefenderFile", Names.Type("File"));
    }
}
