using Defender365.Toolkit.Catalog;
using Defender365.Toolkit.Shared;

namespace Defender365.Toolkit.Tests.Catalog;

public sealed class PathTemplateTests
{
    [Fact]
    public void Expands_and_matches_odata_function_paths_with_quoted_literals()
    {
        var template = PathTemplate.Parse("/api/machines/findbyip(ip='{ip}',timestamp={timestamp})");
        var path = template.Expand(new Dictionary<string, object?>
        {
            ["ip"] = "10.0.0.1",
            ["timestamp"] = new DateTimeOffset(2026, 11, 1, 8, 30, 0, TimeSpan.FromHours(1)),
        });

        Assert.Equal("/api/machines/findbyip(ip='10.0.0.1',timestamp=2026-11-01T07%3A30%3A00Z)", path);
        var values = new Dictionary<string, string>();
        Assert.True(template.TryMatch(path, values));
        Assert.Equal("10.0.0.1", values["ip"]);
        Assert.Equal("2026-11-01T07:30:00Z", values["timestamp"]);
    }

    [Fact]
    public void Doubles_quotes_inside_string_literals_and_escapes_path_values()
    {
        var template = PathTemplate.Parse("/api/files/{id}/x(name='{name}')");
        var path = template.Expand(new Dictionary<string, object?> { ["id"] = "a/b c", ["name"] = "o'brien" });
        // The value's quote is doubled (OData), then escaped like every other reserved character.
        Assert.Equal("/api/files/a%2Fb%20c/x(name='o%27%27brien')", path);
        var values = new Dictionary<string, string>();
        Assert.True(template.TryMatch(path, values));
        Assert.Equal("a/b c", values["id"]);
        Assert.Equal("o'brien", values["name"]);
    }

    [Fact]
    public void Matching_ignores_case_like_the_service()
    {
        var values = new Dictionary<string, string>();
        Assert.True(PathTemplate.Parse("/api/machineactions/{id}/getPackageUri").TryMatch("/api/MachineActions/42/GetPackageUri", values));
        Assert.Equal("42", values["id"]);
    }

    [Fact]
    public void Missing_value_is_a_clear_error()
    {
        var error = Assert.Throws<ArgumentException>(() => PathTemplate.Parse("/api/incidents/{id}").Expand(new Dictionary<string, object?>()));
        Assert.Contains("'id'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/machines/abc/isolate/", true)]
    [InlineData("/api/machines//isolate", false)]
    [InlineData("/api/machines/a/b/isolate", false)]
    [InlineData("/api/machines/a(b)/isolate", false)]
    [InlineData("/api/machines/abc/isolatex", false)]
    public void A_value_is_one_segment_and_never_swallows_the_template_punctuation(string path, bool matches) =>
        Assert.Equal(matches, PathTemplate.Parse("/api/machines/{id}/isolate").TryMatch(path));

    [Fact]
    public void A_string_literal_may_be_empty_or_hold_doubled_quotes_sent_unescaped()
    {
        var template = PathTemplate.Parse("/x(name='{name}',n={n})");
        var values = new Dictionary<string, string>();

        Assert.True(template.TryMatch("/x(name='',n=1)", values));
        Assert.Equal("", values["name"]);
        Assert.True(template.TryMatch("/x(name='o''brien',n=2)", values));
        Assert.Equal("o'brien", values["name"]);
        Assert.Equal("2", values["n"]);
        Assert.False(template.TryMatch("/x(name='a',n=)", values));
    }

    [Fact]
    public void A_hostile_path_is_matched_or_refused_in_one_pass()
    {
        // The emulator routes whatever a client sends: 150,000 characters of doubled quotes and commas, or 400,000 of
        // value, must not make the walk try every split (it would not finish).
        var template = PathTemplate.Parse("/api/machines/findbyip(ip='{ip}',timestamp={timestamp})");
        var quotes = "/api/machines/findbyip(ip='" + string.Concat(Enumerable.Repeat("'',", 50_000)) + "',timestamp=1";
        var values = new Dictionary<string, string>();

        Assert.False(template.TryMatch(quotes));
        Assert.True(template.TryMatch("/api/machines/findbyip(ip='" + new string('a', 200_000) + "',timestamp=" + new string('1', 200_000) + ")", values));
        Assert.Equal(200_000, values["ip"].Length);
    }

    [Fact]
    public void The_most_specific_template_wins_whatever_the_catalog_order()
    {
        var index = new OperationPathIndex<string>(
        [
            ("ById", "GET", PathTemplate.Parse("/api/machines/{id}")),
            ("Export", "GET", PathTemplate.Parse("/api/machines/SoftwareInventoryExport")),
            ("Isolate", "POST", PathTemplate.Parse("/api/machines/{id}/isolate")),
        ]);
        var values = new Dictionary<string, string>();

        Assert.Equal("Export", index.Match("get", "/api/machines/softwareinventoryexport"));
        Assert.Equal("ById", index.Match("GET", "/api/machines/m1", values: values));
        Assert.Equal("m1", values["id"]);
        Assert.Null(index.Match("GET", "/api/machines/m1/isolate"));
        Assert.Null(index.Match("GET", "/api/machines/m1", accept: id => id != "ById"));
    }
}
