using System.Diagnostics.Tracing;
using Azure.Core.Diagnostics;
using Defender365.Toolkit.Authentication;
using Defender365.Toolkit.Catalog;
using Defender365.Toolkit.Emulator;
using Defender365.Toolkit.Tests.Infrastructure;

namespace Defender365.Toolkit.Tests.Http;

/// <summary>With Azure SDK logging at its most verbose, neither the client secret nor a bearer token reaches a log.</summary>
public sealed class LoggingTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    [Fact]
    public async Task Verbose_pipeline_logs_never_contain_the_secret_or_the_token()
    {
        var messages = new List<string>();
        using var listener = new AzureEventSourceListener(
            (e, message) =>
            {
                lock (messages)
                {
                    messages.Add(message + " " + string.Join(" ", e.Payload ?? (IEnumerable<object?>)[]));
                }
            },
            EventLevel.Verbose);

        var credential = fixture.CreateCredential();
        var invoker = fixture.CreateInvoker(credential, o => o.Diagnostics.IsLoggingContentEnabled = true);
        await invoker.SendAsync(DefenderCatalog.Default.GetOperation("ListMachines"), EmulatorOptions.ContosoTenantId);
        var token = (await credential.GetTokenAsync(EmulatorOptions.ContosoTenantId, DefenderResourceIds.WindowsDefenderAtp)).Token;

        const string Sentinel = "SENTINEL-log-secret-3f9a1c";
        var wrong = DefenderAppCredential.FromClientSecret(EmulatorOptions.DemoClientId, Sentinel, fixture.Emulator.CreateCredentialOptions("*"));
        await Assert.ThrowsAsync<DefenderAuthenticationException>(() =>
            fixture.CreateInvoker(wrong).SendAsync(DefenderCatalog.Default.GetOperation("ListMachines"), EmulatorOptions.ContosoTenantId));

        string all;
        lock (messages)
        {
            all = string.Join("\n", messages);
        }

        // The listener did see the calls (with headers and content): the absence below is meaningful.
        Assert.Contains("/api/machines", all, StringComparison.Ordinal);
        Assert.Contains("Authorization", all, StringComparison.Ordinal);
        Assert.DoesNotContain(token, all, StringComparison.Ordinal);
        Assert.DoesNotContain(token.Split('.')[2], all, StringComparison.Ordinal);
        Assert.DoesNotContain(Sentinel, all, StringComparison.Ordinal);
        Assert.DoesNotContain(fixture.Secret, all, StringComparison.Ordinal);
    }
}
