using Defender365.Toolkit.Authentication;
using Defender365.Toolkit.Authorization;
using Defender365.Toolkit.Http;
using MultiTenantSoc.Defender;
using MultiTenantSoc.Defender.Models;

namespace MultiTenantSoc;

/// <summary>What a SOC connector does for each customer tenant: check consent, read active incidents, hunt.</summary>
/// <remarks>DefenderClient, the area clients and the models are generated from defender-scopes.json.</remarks>
internal sealed class SocConnector(DefenderClient client, TextWriter output)
{
    /// <returns>Whether every step succeeded for the tenant.</returns>
    public async Task<bool> RunAsync(string tenantId, CancellationToken cancellationToken)
    {
        output.WriteLine($"== Tenant {tenantId}");
        var tenant = client.ForTenant(tenantId);
        try
        {
            var drift = await tenant.GetConsentDriftAsync(DefenderPermissions.ThreatProtection.ResourceId, cancellationToken);
            output.WriteLine(drift.IsComplete
                ? "   consent: every declared permission is granted"
                : $"   consent: MISSING {string.Join(", ", drift.Missing)}");
            if (drift.Extra.Count > 0)
            {
                output.WriteLine($"   consent: also granted {string.Join(", ", drift.Extra)} (more than declared)");
            }

            var active = new List<Incident>();
            await foreach (var incident in tenant.Incidents.ListIncidentsAsync(filter: "status eq 'Active'", cancellationToken: cancellationToken))
            {
                active.Add(incident);
            }

            output.WriteLine($"   {active.Count} active incidents; most recent:");
            foreach (var incident in active.OrderByDescending(i => i.LastUpdateTime).Take(3))
            {
                output.WriteLine($"     #{incident.IncidentId} [{incident.Severity}] {incident.IncidentName}");
            }

            var hunting = await tenant.AdvancedHunting.RunAdvancedHuntingQueryAsync(
                new RunAdvancedHuntingQueryRequest { Query = "DeviceProcessEvents | where FileName == 'powershell.exe' | take 3" },
                cancellationToken);
            output.WriteLine($"   hunting: {hunting.Value.Results?.Count ?? 0} rows from DeviceProcessEvents");
            return true;
        }
        catch (MissingPermissionException e)
        {
            output.WriteLine($"   refused before sending: {e.Message}");
        }
        catch (DefenderAuthenticationException e)
        {
            output.WriteLine($"   sign-in failed ({e.Failure}): {e.Message}");
        }
        catch (DefenderRequestException e)
        {
            output.WriteLine($"   API error {e.Status} {e.ErrorCode}: {e.ServiceMessage}");
        }

        return false;
    }
}
