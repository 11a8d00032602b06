using System.Reflection;
using Defender365.Toolkit.Catalog;
using Defender365.Toolkit.Http;
using Defender365.Toolkit.Quotas;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Defender365.Toolkit.Tests.Http;

/// <summary>
/// The invoker runs on a copy of its options: every setting of <see cref="DefenderClientOptions"/>, including one added
/// later, must reach the copy, or a client would silently run with a default the app never chose.
/// </summary>
public sealed class ClientOptionsSnapshotTests
{
    [Fact]
    public void Every_setting_reaches_the_snapshot()
    {
        var options = new DefenderClientOptions();
        var settable = typeof(DefenderClientOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(p => p.CanWrite)
            .ToArray();
        foreach (var property in settable)
        {
            property.SetValue(options, NotDefault(property, property.GetValue(options)));
        }

        // The quota governor's settings, every one of them (a new one must be copied too).
        var quotaSettings = typeof(DefenderQuotaOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite).ToArray();
        foreach (var property in quotaSettings)
        {
            property.SetValue(options.Quotas, NotDefault(property, property.GetValue(options.Quotas)));
        }

        options.Endpoints[DefenderResourceIds.ThreatProtection] = new Uri("https://eu.example.test/");
        options.Retry.MaxRetries = 9;
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(7);
        options.Diagnostics.LoggedHeaderNames.Add("x-ms-request-id-test");

        var copy = options.Snapshot();

        Assert.NotSame(options, copy);
        Assert.All(settable, p => Assert.Equal(p.GetValue(options), p.GetValue(copy)));
        Assert.Equal(options.Endpoints, copy.Endpoints);
        Assert.NotSame(options.Quotas, copy.Quotas);
        Assert.All(quotaSettings, p => Assert.Equal(p.GetValue(options.Quotas), p.GetValue(copy.Quotas)));
        Assert.Equal((9, TimeSpan.FromSeconds(7)), (copy.Retry.MaxRetries, copy.Retry.NetworkTimeout));
        Assert.Contains("x-ms-request-id-test", copy.Diagnostics.LoggedHeaderNames);
    }

    private static object NotDefault(PropertyInfo property, object? current) => property.PropertyType switch
    {
        var t when t == typeof(bool) => !(bool)current!,
        var t when t == typeof(int) => (int)current! + 7,
        var t when t == typeof(TimeSpan) => (TimeSpan)current! + TimeSpan.FromSeconds(7),
        var t when t == typeof(DefenderCloud) => DefenderCloud.GCC,
        var t when t == typeof(Uri) => new Uri("https://login.example.test/"),
        var t when t == typeof(Microsoft.Extensions.Logging.ILoggerFactory) => NullLoggerFactory.Instance,
        var t when t == typeof(TimeProvider) => new FakeTimeProvider(),
        var t when t == typeof(DefenderQuotaLimiter) => new DefenderQuotaLimiter(),
        _ => throw new InvalidOperationException($"DefenderClientOptions.{property.Name} ({property.PropertyType.Name}) is new: give it a value here and copy it in Snapshot()."),
    };
}
