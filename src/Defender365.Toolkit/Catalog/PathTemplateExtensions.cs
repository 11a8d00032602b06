using System.Globalization;
using Defender365.Toolkit.Shared;

namespace Defender365.Toolkit.Catalog;

/// <summary>Expands a <see cref="PathTemplate"/> from typed argument values, formatted the way the Defender APIs expect.</summary>
internal static class PathTemplateExtensions
{
    /// <summary>Builds the request path; every placeholder must have a value.</summary>
    /// <exception cref="ArgumentException">A placeholder has no value (or a null one).</exception>
    public static string Expand(this PathTemplate template, IReadOnlyDictionary<string, object?> values) =>
        template.Expand(name => values.TryGetValue(name, out var value) && value is not null ? FormatValue(value) : null);

    /// <summary>Formats a value the way the Defender APIs expect in paths and OData literals.</summary>
    internal static string FormatValue(object value) => value switch
    {
        string s => s,
        DateTimeOffset d => d.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture),
        DateTime d => d.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };
}
