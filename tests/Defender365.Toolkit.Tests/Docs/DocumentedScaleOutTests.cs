using System.Text.RegularExpressions;
using Defender365.Toolkit.Authentication.SharedCache;
using Defender365.Toolkit.Documentation;
using Defender365.Toolkit.Redis;

namespace Defender365.Toolkit.Tests.Docs;

/// <summary>
/// The scale-out diagram of docs/hosting.md is what the code is: every type and method it names exists in the toolkit's assemblies,
/// and the Redis keys it shows are the prefixes the stores write.
/// </summary>
public sealed partial class DocumentedScaleOutTests
{
    [Fact]
    public void Every_type_and_redis_key_the_diagram_names_is_the_codes()
    {
        var diagram = DocumentationBlocks.CheckedBy(nameof(DocumentedScaleOutTests)).Single().Body;
        // Types, and the methods it names (AddDefenderRedis).
        var types = typeof(DefenderSharedTokenCache).Assembly.GetTypes().Concat(typeof(RedisQuotaStore).Assembly.GetTypes())
            .SelectMany(t => t.GetMethods().Select(m => m.Name).Append(t.Name)).ToHashSet(StringComparer.Ordinal);

        var named = TypeName().Matches(diagram).Select(m => m.Value).Distinct().ToArray();
        Assert.True(named.Length >= 6, $"Only {named.Length} types found in the diagram.");
        var missing = named.Where(n => !types.Contains(n)).ToArray();
        Assert.True(missing.Length == 0, "The diagram names types that do not exist: " + string.Join(", ", missing));

        Assert.Contains(new DefenderSharedTokenCacheOptions().KeyPrefix, diagram);
        Assert.Contains(RedisQuotaStore.KeyPrefix + "{", diagram);
    }

    // DefenderQuotaLimiter, QuotaPolicy, …: PascalCase with at least two humps, not after a dot (a method called).
    [GeneratedRegex(@"(?<![.\w])[A-Z][a-z]+(?:[A-Z][a-z]+)+\b")]
    private static partial Regex TypeName();
}
