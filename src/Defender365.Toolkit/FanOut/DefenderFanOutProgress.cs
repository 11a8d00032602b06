namespace Defender365.Toolkit.FanOut;

/// <summary>How far a fan-out is, reported after each tenant (<see cref="DefenderFanOutOptions.Progress"/>).</summary>
/// <param name="Total">Tenants in the run.</param>
/// <param name="Completed">Tenants done, whatever their outcome.</param>
/// <param name="Succeeded">Tenants whose work returned a value.</param>
/// <param name="Throttled">Tenants that ended <see cref="DefenderTenantOutcome.Throttled"/>.</param>
/// <param name="LastTenantId">The tenant that just finished.</param>
/// <param name="LastOutcome">Its outcome.</param>
public readonly record struct DefenderFanOutProgress(int Total, int Completed, int Succeeded, int Throttled, string LastTenantId, DefenderTenantOutcome LastOutcome)
{
    /// <summary>Tenants done that did not succeed.</summary>
    public int Failed => Completed - Succeeded;
}
