using System.Text.Json.Nodes;
using Defender365.Toolkit.Emulator.Api;

namespace Defender365.Toolkit.Tests.Emulator;

/// <summary>The emulator's $filter reader: quotes and parentheses are part of the grammar, not noise around split words.</summary>
public sealed class ODataFilterTests
{
    private static readonly JsonObject[] Items =
    [
        Item("Sales and Marketing", "High", 3),
        Item("Engineering", "High", 1),
        Item("Sales", "Low", 2),
        Item("O'Brien or Partners", "Medium", 4),
    ];

    private static JsonObject Item(string team, string severity, int id) => new() { ["team"] = team, ["severity"] = severity, ["id"] = id };

    private static int[] Matching(string filter)
    {
        Assert.True(ODataFilter.TryParse(filter, out var parsed, out var error), error);
        return Items.Where(parsed!.Matches).Select(i => (int)i["id"]!).ToArray();
    }

    [Fact]
    public void And_or_inside_a_string_are_part_of_the_string() =>
        Assert.Equal([3], Matching("team eq 'Sales and Marketing'"));

    [Fact]
    public void A_doubled_quote_is_a_quote_and_or_inside_it_is_text() =>
        Assert.Equal([4], Matching("team eq 'O''Brien or Partners'"));

    [Fact]
    public void Parentheses_group_and_and_binds_tighter_than_or()
    {
        Assert.Equal([3], Matching("(team eq 'Sales' or team eq 'Sales and Marketing') and severity eq 'High'"));
        Assert.Equal([3, 2], Matching("team eq 'Sales' or team eq 'Sales and Marketing' and severity eq 'High'"));
        Assert.Equal([3, 1, 2], Matching("severity eq 'High' or (id gt 1 and id lt 3)"));
    }

    [Theory]
    [InlineData("team eq 'unclosed")]
    [InlineData("(team eq 'Sales'")]
    [InlineData("team eq 'Sales')")]
    [InlineData("team like 'x'")]
    [InlineData("team eq")]
    [InlineData("and team eq 'x'")]
    public void Malformed_filters_are_refused_with_where(string filter)
    {
        Assert.False(ODataFilter.TryParse(filter, out _, out var error));
        Assert.StartsWith("Syntax error in $filter:", error, StringComparison.Ordinal);
    }
}
