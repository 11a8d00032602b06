using System.Reflection;
using Defender365.Toolkit.Analyzers.Diagnostics;
using Microsoft.CodeAnalysis;

namespace Defender365.Toolkit.Analyzers.Tests;

/// <summary>Every diagnostic has its help link, its page under docs/rules and its release-tracking entry.</summary>
public sealed class RuleDocsTests
{
    private static readonly string Root = typeof(RuleDocsTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;

    public static TheoryData<string> Ids()
    {
        var data = new TheoryData<string>();
        foreach (var descriptor in Descriptors())
        {
            data.Add(descriptor.Id);
        }

        return data;
    }

    private static IEnumerable<DiagnosticDescriptor> Descriptors() =>
        typeof(RuleIdentifiers).Assembly.GetTypes()
            .SelectMany(t => t.GetFields(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic))
            .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
            .Select(f => (DiagnosticDescriptor)f.GetValue(null)!);

    [Theory]
    [MemberData(nameof(Ids))]
    public void Rule_has_help_link_doc_page_and_release_entry(string id)
    {
        var descriptor = Descriptors().Single(d => d.Id == id);
        Assert.Equal(RuleIdentifiers.GetHelpUri(id), descriptor.HelpLinkUri);

        var page = Path.Combine(Root, "docs", "rules", id + ".md");
        Assert.True(File.Exists(page), $"docs/rules/{id}.md is missing");
        Assert.StartsWith($"# {id} - {descriptor.Title}", File.ReadAllText(page), StringComparison.Ordinal);

        var releases = File.ReadAllText(Path.Combine(Root, "src", "Defender365.Toolkit.Analyzers", "AnalyzerReleases.Unshipped.md"))
            + File.ReadAllText(Path.Combine(Root, "src", "Defender365.Toolkit.Analyzers", "AnalyzerReleases.Shipped.md"));
        // Release tracking writes a rule that is off by default as "Disabled".
        var tracked = descriptor.IsEnabledByDefault ? descriptor.DefaultSeverity.ToString() : "Disabled";
        Assert.Contains($"{id} | {descriptor.Category} | {tracked}", releases, StringComparison.Ordinal);

        var index = File.ReadAllText(Path.Combine(Root, "docs", "analyzers.md"));
        var severity = descriptor.DefaultSeverity.ToString().ToLowerInvariant() + (descriptor.IsEnabledByDefault ? string.Empty : ", off by default");
        Assert.Contains($"| [{id}](rules/{id}.md) | {severity} | {descriptor.Category} |", index, StringComparison.Ordinal);
    }

    [Fact]
    public void Ids_are_unique()
    {
        var ids = Descriptors().Select(d => d.Id).ToArray();
        Assert.Equal(ids.Length, ids.Distinct().Count());
    }
}
