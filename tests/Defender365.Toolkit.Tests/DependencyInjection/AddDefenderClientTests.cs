using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Defender365.Toolkit.Authentication;
using Defender365.Toolkit.Authorization;
using Defender365.Toolkit.Catalog;
using Defender365.Toolkit.DependencyInjection;
using Defender365.Toolkit.Diagnostics;
using Defender365.Toolkit.Emulator;
using Defender365.Toolkit.Http;
using Defender365.Toolkit.Tests.Generated;
using Defender365.Toolkit.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Defender365.Toolkit.Tests.DependencyInjection;

/// <summary>
/// <c>services.AddDefenderClient(configuration.GetSection("Defender"))</c>: options validated with sentences that name
/// the setting, IHttpClientFactory as the transport, logs and telemetry that carry no secret or token.
/// </summary>
public sealed class AddDefenderClientTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private const string ClientSecretValue = "a-made-up-secret-value-for-validation";

    private static IConfigurationSection Section(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.ToDictionary(kv => "Defender:" + kv.Key, kv => kv.Value)).Build().GetSection("Defender");

    private static OptionsValidationException ValidationFailure(Dictionary<string, string?> values)
    {
        using var provider = new ServiceCollection().AddDefenderClient(Section(values)).BuildServiceProvider();
        return Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<DefenderOptions>>().Value);
    }

    [Fact]
    public void Missing_client_id_and_tenants_are_named()
    {
        var failure = ValidationFailure(new() { ["ClientSecret"] = ClientSecretValue });

        Assert.Contains("Defender:ClientId is missing", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Defender:AllowedTenants is empty", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(ClientSecretValue, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Secret_and_certificate_both_set_is_refused()
    {
        var failure = ValidationFailure(new()
        {
            ["ClientId"] = EmulatorOptions.DemoClientId,
            ["ClientSecret"] = ClientSecretValue,
            ["CertificatePath"] = "app.pfx",
            ["AllowedTenants:0"] = EmulatorOptions.ContosoTenantId,
        });

        Assert.Contains("Defender:ClientSecret and Defender:CertificatePath are both set: use one.", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(ClientSecretValue, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_multi_tenant_alias_in_the_allowed_tenants_is_named_at_start()
    {
        var failure = ValidationFailure(new() { ["ClientId"] = EmulatorOptions.DemoClientId, ["ClientSecret"] = ClientSecretValue, ["AllowedTenants:0"] = "organizations" });

        Assert.Contains("Defender:AllowedTenants holds 'organizations', which is not a tenant", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void No_credential_says_where_to_put_the_secret()
    {
        var failure = ValidationFailure(new() { ["ClientId"] = EmulatorOptions.DemoClientId, ["AllowedTenants:0"] = "*" });

        Assert.Contains("Defender__ClientSecret", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_cloud_lists_the_clouds()
    {
        var failure = ValidationFailure(new()
        {
            ["ClientId"] = EmulatorOptions.DemoClientId,
            ["ClientSecret"] = ClientSecretValue,
            ["AllowedTenants:0"] = "*",
            ["Cloud"] = "China",
        });

        Assert.Contains("Defender:Cloud is not a known cloud: use Commercial, GCC, GCCHigh, DoD.", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("China", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_secret_pasted_into_the_wrong_setting_is_not_echoed()
    {
        const string Pasted = "Xy7Q~pasted-into-the-wrong-setting";
        var failure = ValidationFailure(new()
        {
            ["ClientId"] = Pasted,
            ["Cloud"] = Pasted,
            ["AuthorityHost"] = "http://" + Pasted + "@login.example/",
            ["ClientSecret"] = ClientSecretValue,
            ["AllowedTenants:0"] = "*",
        });

        Assert.Contains("Defender:ClientId is not a GUID", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Defender:Cloud is not a known cloud", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Defender:AuthorityHost must use HTTPS", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Pasted, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_registered_clients_never_follow_redirects_even_with_a_handler_of_the_apps_own()
    {
        var services = new ServiceCollection().AddDefenderClient(Section(new() { ["ClientId"] = EmulatorOptions.DemoClientId, ["ClientSecret"] = ClientSecretValue, ["AllowedTenants:0"] = "*" }));
        services.AddHttpClient(DefenderServiceCollectionExtensions.ApiHttpClientName).ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = true });
        using var provider = services.BuildServiceProvider();
        var factory = provider.GetRequiredService<IHttpMessageHandlerFactory>();

        foreach (var name in new[] { DefenderServiceCollectionExtensions.ApiHttpClientName, DefenderServiceCollectionExtensions.IdentityHttpClientName })
        {
            HttpMessageHandler handler = factory.CreateHandler(name);
            while (handler is DelegatingHandler delegating)
            {
                handler = delegating.InnerHandler!;
            }

            Assert.False(((SocketsHttpHandler)handler).AllowAutoRedirect, name);
        }
    }

    // What the generator puts on a DefenderClient whose manifest says "cloud": "GCCHigh".
    [DefenderManifest(DefenderCloud.GCCHigh)]
    private sealed class GccHighClient(DefenderOperationInvoker invoker)
    {
        public DefenderOperationInvoker Invoker { get; } = invoker;
    }

    private static Dictionary<string, string?> SignIn() => new()
    {
        ["ClientId"] = EmulatorOptions.DemoClientId,
        ["ClientSecret"] = ClientSecretValue,
        ["AllowedTenants:0"] = EmulatorOptions.ContosoTenantId,
    };

    [Fact]
    public void Quota_settings_reach_the_clients_governor_and_one_out_of_range_is_named_at_start()
    {
        var settings = SignIn();
        settings["Quotas:MaxWait"] = "00:00:07";
        settings["UseQuotas"] = "true";
        using (var provider = new ServiceCollection().AddDefenderClient(Section(settings)).BuildServiceProvider())
        {
            var invoker = provider.GetRequiredService<DefenderOperationInvoker>();
            Assert.Equal(TimeSpan.FromSeconds(7), invoker.Options.Quotas.MaxWait);
            Assert.Equal(TimeSpan.FromSeconds(7), invoker.Options.QuotaLimiter!.Options.MaxWait);
        }

        settings["Quotas:MaxWait"] = "-00:00:01";
        settings["Quotas:MaxPause"] = "00:00:00";
        var failure = ValidationFailure(settings);
        Assert.Contains("Defender:Quotas:MaxWait must be zero or more and at most a day.", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Defender:Quotas:MaxPause must be positive and at most a day.", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_token_cache_bound_reaches_the_credential_and_one_below_1_is_named_at_start()
    {
        var settings = SignIn();
        settings["MaxCachedTokens"] = "250000";
        using (var provider = new ServiceCollection().AddDefenderClient(Section(settings)).BuildServiceProvider())
        {
            Assert.Equal(250_000, provider.GetRequiredService<DefenderAppCredential>().MaxCachedTokens);
        }

        settings["MaxCachedTokens"] = "0";
        Assert.Contains("Defender:MaxCachedTokens must be at least 1; got 0.", ValidationFailure(settings).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_manifests_cloud_is_the_default_for_the_credential_the_sign_in_host_and_the_api_hosts()
    {
        using var provider = new ServiceCollection().AddDefenderClient<GccHighClient>(Section(SignIn())).BuildServiceProvider();

        var credential = provider.GetRequiredService<DefenderAppCredential>();
        var client = provider.GetRequiredService<GccHighClient>();

        Assert.Equal(DefenderCloud.GCCHigh, credential.Cloud);
        Assert.Equal(DefenderCatalog.Default.GetResource(DefenderResourceIds.ThreatProtection).GetEndpoint(DefenderCloud.GCCHigh).AuthorityHost, credential.AuthorityHost);
        Assert.NotEqual(DefenderCatalog.Default.GetResource(DefenderResourceIds.ThreatProtection).GetEndpoint(DefenderCloud.Commercial).AuthorityHost, credential.AuthorityHost);
        Assert.Equal(DefenderCloud.GCCHigh, client.Invoker.Options.Cloud);
    }

    [Theory]
    [InlineData("GCCHigh")]
    [InlineData("gcchigh")]
    public void The_same_cloud_as_the_manifest_is_accepted(string cloud)
    {
        var settings = SignIn();
        settings["Cloud"] = cloud;
        using var provider = new ServiceCollection().AddDefenderClient<GccHighClient>(Section(settings)).BuildServiceProvider();

        Assert.Equal(DefenderCloud.GCCHigh, provider.GetRequiredService<DefenderAppCredential>().Cloud);
    }

    [Fact]
    public void Another_cloud_than_the_manifests_stops_the_app_at_start_naming_both()
    {
        var settings = SignIn();
        settings["Cloud"] = "Commercial";
        using var provider = new ServiceCollection().AddDefenderClient<GccHighClient>(Section(settings)).BuildServiceProvider();

        var failure = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<DefenderOptions>>().Value);

        Assert.Contains($"Defender:Cloud is Commercial, but defender-scopes.json declares GCCHigh (for {typeof(GccHighClient).FullName})", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_manifest_or_a_setting_the_cloud_is_commercial()
    {
        using var provider = new ServiceCollection().AddDefenderClient(Section(SignIn())).BuildServiceProvider();

        Assert.Equal(DefenderCloud.Commercial, provider.GetRequiredService<DefenderAppCredential>().Cloud);
    }

    [Fact]
    public void Options_print_without_the_secret()
    {
        var options = new DefenderOptions { ClientId = EmulatorOptions.DemoClientId, ClientSecret = ClientSecretValue };

        Assert.Equal($"ClientId = {EmulatorOptions.DemoClientId}, Credential = client secret, Cloud = Commercial, AllowedTenants = 0", options.ToString());
    }

    [Fact]
    public async Task The_generated_client_resolves_and_calls_through_the_http_client_factory_with_logs_and_telemetry_free_of_secrets()
    {
        var logs = new LogSink();
        var measurements = new ConcurrentQueue<(string Instrument, string Tags)>();
        var activities = new ConcurrentQueue<Activity>();
        using var meters = Listen(measurements);
        using var spans = Listen(activities);
        var apiHandlers = 0;

        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        var values = new Dictionary<string, string?>
        {
            ["ClientId"] = EmulatorOptions.DemoClientId,
            ["ClientSecret"] = fixture.Secret,
            ["AllowedTenants:0"] = EmulatorOptions.ContosoTenantId,
            ["AllowedTenants:1"] = EmulatorOptions.NorthwindTenantId,
            ["AuthorityHost"] = fixture.Emulator.BaseAddress.ToString(),
        };
        foreach (var resource in DefenderCatalog.Default.Resources)
        {
            values[$"Endpoints:{resource.Id}"] = fixture.Emulator.BaseAddress.ToString();
        }

        services.AddDefenderClient<DefenderClient>(Section(values));
        // The emulator's certificate is pinned on both named clients: the calls really go through the factory.
        services.AddHttpClient(DefenderServiceCollectionExtensions.ApiHttpClientName).ConfigurePrimaryHttpMessageHandler(() =>
        {
            Interlocked.Increment(ref apiHandlers);
            return fixture.Emulator.CreateHttpMessageHandler();
        });
        services.AddHttpClient(DefenderServiceCollectionExtensions.IdentityHttpClientName).ConfigurePrimaryHttpMessageHandler(() => fixture.Emulator.CreateHttpMessageHandler());
        await using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredService<DefenderClient>();
        Assert.Same(provider.GetRequiredService<DefenderOperationInvoker>(), client.Invoker);
        var contoso = client.ForTenant(EmulatorOptions.ContosoTenantId);
        var first = await contoso.Incidents.ListIncidentsAsync(top: 5).Take(5).ToListAsync();
        fixture.Emulator.Faults.Throttle(1, TimeSpan.FromSeconds(1), operationId: "ListIncidents");
        var second = await contoso.Incidents.ListIncidentsAsync(top: 5).Take(5).ToListAsync();
        var token = await provider.GetRequiredService<DefenderAppCredential>().GetTokenAsync(EmulatorOptions.ContosoTenantId, DefenderResourceIds.ThreatProtection);
#pragma warning disable DEF5001 // The Defender XDR hunting API works until 2027-02-01, so it is still tested.
        await Assert.ThrowsAsync<MissingPermissionException>(async () =>
            await client.ForTenant(EmulatorOptions.NorthwindTenantId).AdvancedHunting.RunAdvancedHuntingQueryAsync(new Generated.Models.RunAdvancedHuntingQueryRequest { Query = "DeviceInfo | take 1" }));
#pragma warning restore DEF5001

        Assert.Equal(5, first.Count);
        Assert.Equal(5, second.Count);
        Assert.True(apiHandlers > 0);

        // Logs: the token acquisitions and the retry, by tenant; nothing secret anywhere in text or state.
        var entries = logs.Entries.ToArray();
        Assert.Contains(entries, e => e.EventName == "TokenAcquired" && e.Text.Contains(EmulatorOptions.ContosoTenantId, StringComparison.Ordinal));
        Assert.Contains(entries, e => e.EventName == "Retrying" && e.Text.Contains("throttled (HTTP 429)", StringComparison.Ordinal) && e.Text.Contains("ListIncidents", StringComparison.Ordinal));
        // The factory's clients log through the toolkit's logger (no headers), for the API and the token service alike.
        Assert.Contains(entries, e => e.EventName == "HttpRequestCompleted" && e.Text.Contains("/api/incidents answered 200", StringComparison.Ordinal));
        Assert.Contains(entries, e => e.EventName == "HttpRequestCompleted" && e.Text.Contains("/oauth2/v2.0/token answered 200", StringComparison.Ordinal));
        Assert.DoesNotContain(entries, e => e.Text.Contains("Authorization", StringComparison.OrdinalIgnoreCase));
        foreach (var entry in entries)
        {
            Assert.DoesNotContain(fixture.Secret, entry.Text, StringComparison.Ordinal);
            Assert.DoesNotContain(token.Token, entry.Text, StringComparison.Ordinal);
            Assert.DoesNotContain("eyJ", entry.Text, StringComparison.Ordinal);
        }

        // Metrics and traces: per tenant, from the service then the cache, and the throttle.
        var recorded = measurements.ToArray();
        Assert.Contains(recorded, m => m.Instrument == "defender365.token.requests" && m.Tags.Contains("source=service", StringComparison.Ordinal));
        // No tenant on metric points unless asked for (a series per tenant at thousands of tenants); spans keep it.
        Assert.DoesNotContain(recorded, m => m.Tags.Contains("tenant=", StringComparison.Ordinal));
        Assert.Contains(recorded, m => m.Instrument == "defender365.token.requests" && m.Tags.Contains("source=cache", StringComparison.Ordinal));
        Assert.Contains(recorded, m => m.Instrument == "defender365.http.throttles" && m.Tags.Contains("operation=ListIncidents", StringComparison.Ordinal));
        Assert.Contains(recorded, m => m.Instrument == "defender365.http.retries" && m.Tags.Contains("reason=throttled", StringComparison.Ordinal));
        Assert.Contains(activities, a => a.OperationName == "Defender365 token" && (string?)a.GetTagItem("tenant") == EmulatorOptions.ContosoTenantId);
        // One span per operation call, with its retries and its token request inside it, and the failure kind on failure.
        var listings = activities.Where(a => a.OperationName == "Defender365 ListIncidents" && (string?)a.GetTagItem("tenant") == EmulatorOptions.ContosoTenantId).ToArray();
        Assert.Contains(listings, a => a.Events.Any(e => e.Name == "defender365.retry"));
        Assert.Contains(activities, a => a.OperationName == "Defender365 token" && listings.Any(l => l.SpanId == a.ParentSpanId));
        Assert.Contains(activities, a => a.OperationName == "Defender365 RunAdvancedHuntingQuery" && a.Status == ActivityStatusCode.Error
            && (string?)a.GetTagItem("error.type") == nameof(MissingPermissionException) && (string?)a.GetTagItem("tenant") == EmulatorOptions.NorthwindTenantId);
        Assert.All(recorded, m => Assert.DoesNotContain("eyJ", m.Tags, StringComparison.Ordinal));

        // Opted in, the same calls tag their points with the tenant.
        DefenderTelemetry.TenantTagOnMetrics = true;
        try
        {
            measurements.Clear();
            fixture.Emulator.Faults.Throttle(1, TimeSpan.FromMilliseconds(100), operationId: "ListIncidents");
            await contoso.Incidents.ListIncidentsAsync(top: 5).Take(5).ToListAsync();
            Assert.Contains(measurements, m => m.Instrument == "defender365.token.requests" && m.Tags.Contains($"tenant={EmulatorOptions.ContosoTenantId}", StringComparison.Ordinal));
            Assert.Contains(measurements, m => m.Instrument == "defender365.http.throttles" && m.Tags.Contains($"tenant={EmulatorOptions.ContosoTenantId}", StringComparison.Ordinal));
        }
        finally
        {
            DefenderTelemetry.TenantTagOnMetrics = false;
        }
    }

    private static MeterListener Listen(ConcurrentQueue<(string Instrument, string Tags)> measurements)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == DefenderTelemetry.Name)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, _, tags, _) =>
            measurements.Enqueue((instrument.Name, string.Join(",", tags.ToArray().Select(t => $"{t.Key}={t.Value}")))));
        listener.SetMeasurementEventCallback<double>((instrument, _, tags, _) =>
            measurements.Enqueue((instrument.Name, string.Join(",", tags.ToArray().Select(t => $"{t.Key}={t.Value}")))));
        listener.Start();
        return listener;
    }

    private static ActivityListener Listen(ConcurrentQueue<Activity> activities)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == DefenderTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = activities.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }

    /// <summary>A log sink that keeps the formatted message and every structured value of each entry.</summary>
    private sealed class LogSink : ILoggerProvider
    {
        public ConcurrentQueue<(string? EventName, string Text)> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void Dispose()
        {
        }

        private sealed class Logger(LogSink sink) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                sink.Entries.Enqueue((eventId.Name, $"{formatter(state, exception)} | {Flatten(state)} | {exception}"));
            }

            // As an exporter does (OpenTelemetry's console exporter among them): every structured value, nested lists of
            // pairs and sequences walked down to their elements, not only their ToString.
            private static string Flatten(object? value) => value switch
            {
                null => "",
                string text => text,
                IEnumerable<KeyValuePair<string, object?>> pairs => string.Join(";", pairs.Select(p => $"{p.Key}={Flatten(p.Value)}")),
                System.Collections.IEnumerable items => "[" + string.Join(",", items.Cast<object?>().Select(Flatten)) + "]",
                _ => value.ToString() ?? "",
            };
        }
    }
}
