using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Defender365.Toolkit.Diagnostics;

namespace Defender365.Toolkit.FanOut;

/// <summary>
/// Runs one piece of work per tenant over many tenants, a bounded number at once, and gives a result per tenant: its
/// value, or a typed outcome (not consented, with the link; throttled, with the wait; a service error, with its code).
/// One tenant's failure never ends the run; the caller's cancellation does.
/// </summary>
/// <remarks>
/// <para>A generated client's <c>ForTenants(tenantIds)</c> makes one over its tenant clients. Without one, pass any
/// factory: <c>new DefenderTenantFanOut&lt;string&gt;(tenantIds, t =&gt; t)</c> hands the work the tenant id itself.</para>
/// <para>Each tenant's work runs in a span <c>Defender365 tenant</c> (tags <c>tenant</c> and <c>outcome</c>) that
/// parents the calls it makes. Tenants are taken in the order given, once each (a second spelling of the same id, in
/// another case, is dropped).</para>
/// </remarks>
/// <typeparam name="TTenantClient">What the work gets for each tenant: a generated tenant client, or the tenant id.</typeparam>
public sealed class DefenderTenantFanOut<TTenantClient>
{
    private readonly IReadOnlyList<string> _tenants;
    private readonly Func<string, TTenantClient> _forTenant;
    private readonly DefenderFanOutOptions _options;

    /// <summary>A fan-out over <paramref name="tenantIds"/>.</summary>
    /// <param name="tenantIds">Tenant ids or verified domains; each must be allowed by the credential.</param>
    /// <param name="forTenant">Makes what the work gets for a tenant (a generated client's <c>ForTenant</c>).</param>
    /// <param name="options">How many at once, and progress; copied.</param>
    /// <exception cref="ArgumentException">A tenant id is null or blank.</exception>
    public DefenderTenantFanOut(IEnumerable<string> tenantIds, Func<string, TTenantClient> forTenant, DefenderFanOutOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(tenantIds);
        ArgumentNullException.ThrowIfNull(forTenant);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var tenants = new List<string>();
        foreach (var tenant in tenantIds)
        {
            if (string.IsNullOrWhiteSpace(tenant))
            {
                throw new ArgumentException($"Tenant {tenants.Count + 1} of the list is blank: every entry must be a tenant id or domain.", nameof(tenantIds));
            }

            if (seen.Add(tenant))
            {
                tenants.Add(tenant);
            }
        }

        options ??= new DefenderFanOutOptions();
        options.Validate();
        _tenants = tenants;
        _forTenant = forTenant;
        _options = new DefenderFanOutOptions { MaxConcurrency = options.MaxConcurrency, Progress = options.Progress };
    }

    /// <summary>The tenants of the run, in order, each once.</summary>
    public IReadOnlyList<string> TenantIds => _tenants;

    /// <summary>
    /// Runs <paramref name="work"/> for every tenant and yields each tenant's result as it finishes. Leaving the loop
    /// early stops the tenants not yet started and cancels those running.
    /// </summary>
    /// <typeparam name="T">What the work returns.</typeparam>
    /// <param name="work">One tenant's work; its cancellation token fires when the run is cancelled or left.</param>
    /// <param name="cancellationToken">Ends the run: the enumeration throws <see cref="OperationCanceledException"/>.</param>
    public async IAsyncEnumerable<DefenderTenantResult<T>> RunAsync<T>(Func<TTenantClient, CancellationToken, Task<T>> work, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var results = Channel.CreateUnbounded<DefenderTenantResult<T>>(new UnboundedChannelOptions { SingleReader = true });
        var counts = new int[3];
        var producer = Task.Run(async () =>
        {
            try
            {
                await Parallel.ForEachAsync(_tenants, new ParallelOptions { MaxDegreeOfParallelism = _options.MaxConcurrency, CancellationToken = stop.Token }, async (tenant, token) =>
                {
                    var result = await RunOneAsync(tenant, work, token).ConfigureAwait(false);
                    Report(result, counts);
                    await results.Writer.WriteAsync(result, token).ConfigureAwait(false);
                }).ConfigureAwait(false);
                results.Writer.TryComplete();
            }
            catch (Exception exception)
            {
                results.Writer.TryComplete(exception);
            }
        }, CancellationToken.None);

        try
        {
            await foreach (var result in results.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
            {
                yield return result;
            }
        }
        finally
        {
            // Left early or done: nothing more starts, and the loop has ended before this returns.
            await stop.CancelAsync().ConfigureAwait(false);
            await producer.ConfigureAwait(false);
        }
    }

    /// <summary>Runs <paramref name="work"/> for every tenant and returns every result, in the order the tenants were given.</summary>
    /// <typeparam name="T">What the work returns.</typeparam>
    /// <param name="work">One tenant's work.</param>
    /// <param name="cancellationToken">Ends the run with <see cref="OperationCanceledException"/>.</param>
    public async Task<DefenderFanOutSummary<T>> RunAllAsync<T>(Func<TTenantClient, CancellationToken, Task<T>> work, CancellationToken cancellationToken = default)
    {
        var byTenant = new Dictionary<string, DefenderTenantResult<T>>(StringComparer.OrdinalIgnoreCase);
        await foreach (var result in RunAsync(work, cancellationToken).ConfigureAwait(false))
        {
            byTenant[result.TenantId] = result;
        }

        return new DefenderFanOutSummary<T>(_tenants.Select(t => byTenant[t]).ToList());
    }

    private async Task<DefenderTenantResult<T>> RunOneAsync<T>(string tenant, Func<TTenantClient, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        using var activity = DefenderTelemetry.Source.StartActivity("Defender365 tenant", ActivityKind.Internal);
        activity?.SetTag("tenant", tenant);
        var started = Stopwatch.GetTimestamp();
        DefenderTenantResult<T> result;
        try
        {
            var value = await work(_forTenant(tenant), cancellationToken).ConfigureAwait(false);
            result = new DefenderTenantResult<T>(tenant, DefenderTenantOutcome.Succeeded, value, null, Stopwatch.GetElapsedTime(started));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The run's cancellation, not this tenant's failure: it ends the run.
            throw;
        }
        catch (Exception exception)
        {
            result = DefenderTenantOutcomes.Classify<T>(tenant, exception, Stopwatch.GetElapsedTime(started));
        }

        activity?.SetTag("outcome", result.Outcome.ToString());
        if (!result.Succeeded)
        {
            DefenderTelemetry.Failed(activity, result.Outcome.ToString());
        }

        return result;
    }

    private void Report<T>(DefenderTenantResult<T> result, int[] counts)
    {
        var completed = Interlocked.Increment(ref counts[0]);
        var succeeded = result.Succeeded ? Interlocked.Increment(ref counts[1]) : Volatile.Read(ref counts[1]);
        var throttled = result.Outcome == DefenderTenantOutcome.Throttled ? Interlocked.Increment(ref counts[2]) : Volatile.Read(ref counts[2]);
        _options.Progress?.Report(new DefenderFanOutProgress(_tenants.Count, completed, succeeded, throttled, result.TenantId, result.Outcome));
    }
}
