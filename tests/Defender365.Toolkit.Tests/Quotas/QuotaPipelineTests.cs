using System.Security.Cryptography;
using Azure;
using Defender365.Toolkit.Authentication;
using Defender365.Toolkit.Catalog;
using Defender365.Toolkit.Emulator;
using Defender365.Toolkit.Http;

namespace Defender365.Toolkit.Tests.Quotas;

/// <summary>
/// The quota governor in the clients' pipeline, against an emulator of their own that throttles and limits requests in
/// flight as the services do: what reaches the service, what waits, and what fails without being sent.
/// </summary>
public sealed class QuotaPipelineTests
{
    private static readonly DefenderOperation ListIncidents = DefenderCatalog.Default.GetOperation("ListIncidents");
    private static readonly DefenderOperation ListSecureScores = DefenderCatalog.Default.GetOperation("GraphSecurity.ListSecureScores");

    private readonly string _secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));

    [Fact]
    public async Task A_429_naming_its_wait_only_in_the_body_pauses_the_tenant_and_its_next_call_is_not_sent()
    {
        await using var emulator = await StartAsync();
        emulator.Faults.Apply(new EmulatorFaultProfile
        {
            Rules = { new EmulatorFaultRule { Fault = EmulatorFaultKind.ThrottleInBody, Operation = ListIncidents.Id, Tenant = EmulatorOptions.ContosoTenantId, Seconds = 30, Count = 1 } },
        });
        var invoker = CreateInvoker(emulator, options => options.Quotas.MaxWait = TimeSpan.FromSeconds(5));

        var throttled = await Assert.ThrowsAsync<DefenderRequestException>(() => invoker.SendAsync(ListIncidents, EmulatorOptions.ContosoTenantId));
        Assert.Equal(429, throttled.Status);

        var notSent = await Assert.ThrowsAsync<DefenderRequestException>(() => invoker.SendAsync(ListIncidents, EmulatorOptions.ContosoTenantId));
        Assert.Equal(DefenderRequestFailure.QuotaExhausted, notSent.Failure);
        Assert.Equal(0, notSent.Status);
        Assert.InRange(notSent.RetryAfter!.Value, TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(30));
        Assert.Contains(EmulatorOptions.ContosoTenantId, notSent.Message);
        Assert.Contains("DefenderClientOptions.Quotas.MaxWait", notSent.Message);
        Assert.Equal(1, emulator.Statistics.ApiCalls(ListIncidents.Id));

        // Another tenant's quota is its own.
        var other = await invoker.SendAsync(ListIncidents, EmulatorOptions.FabrikamTenantId);
        Assert.Equal(200, other.Status);
    }

    [Fact]
    public async Task Secure_score_calls_beyond_four_at_once_wait_for_a_slot_instead_of_drawing_429s()
    {
        await using var emulator = await StartAsync();
        emulator.Faults.Apply(new EmulatorFaultProfile
        {
            Rules =
            {
                new EmulatorFaultRule { Fault = EmulatorFaultKind.Quota, Operation = ListSecureScores.Id, Concurrent = 4 },
                // Each call takes a moment, so calls sent together are in flight together.
                new EmulatorFaultRule { Fault = EmulatorFaultKind.Timeout, Operation = ListSecureScores.Id, Seconds = 0.3 },
            },
        });

        var governed = CreateInvoker(emulator, _ => { });
        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => governed.SendAsync(ListSecureScores, EmulatorOptions.ContosoTenantId)));
        Assert.All(answers, a => Assert.Equal(200, a.Status));
        Assert.Equal(12, emulator.Statistics.ApiCalls(ListSecureScores.Id));

        // The same burst without the governor: the service refuses what is beyond four.
        var ungoverned = CreateInvoker(emulator, options => options.UseQuotas = false);
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 12).Select(async _ =>
        {
            try
            {
                return (await ungoverned.SendAsync(ListSecureScores, EmulatorOptions.ContosoTenantId)).Status;
            }
            catch (RequestFailedException exception)
            {
                return exception.Status;
            }
        }));
        Assert.Contains(429, outcomes);
    }

    private async Task<DefenderEmulator> StartAsync()
    {
        var options = EmulatorOptions.CreateDemo(_secret);
        options.Tenants.Single(t => t.TenantId == EmulatorOptions.ContosoTenantId)
            .Consent(EmulatorOptions.DemoClientId, DefenderResourceIds.MicrosoftGraph, "SecurityEvents.Read.All");
        return await DefenderEmulator.StartAsync(options);
    }

    private DefenderOperationInvoker CreateInvoker(DefenderEmulator emulator, Action<DefenderClientOptions> configure)
    {
        var credential = DefenderAppCredential.FromClientSecret(EmulatorOptions.DemoClientId, _secret, emulator.CreateCredentialOptions("*"));
        var options = emulator.CreateClientOptions();
        // A throttling answer surfaces at once: what the governor does is what the test sees.
        options.Retry.MaxRetries = 0;
        configure(options);
        return new DefenderOperationInvoker(credential, options);
    }
}
