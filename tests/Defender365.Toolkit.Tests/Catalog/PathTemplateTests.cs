using Defender365.Toolkit.Catalog;

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
        Assert.True(template.TryMatch(path, out var values));
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
        Assert.True(template.TryMatch(path, out var values));
        Assert.Equal("a/b c", values["id"]);
        Assert.Equal("o'brien", values["name"]);
    }

    [Fact]
    public void Matching_ignores_case_like_the_service()
    {
        Assert.True(PathTemplate.Parse("/api/machineactions/{id}/getPackageUri").TryMatch("/api/MachineActions/42/GetPackageUri", out var values));
        Assert.Equal("42", values["id"]);
    }

    [Fact]
    public void Missing_value_is_a_clear_error()
    {
        var error = Assert.Throws<ArgumentException>(() => PathTemplate.Parse("/api/incidents/{id}").Expand(new Dictionary<string, object?>()));
        Assert.Contains("'id'", error.Message, StringComparison.Ordinal);
    }
}
