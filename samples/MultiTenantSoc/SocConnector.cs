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
            var drift = await tenant.GetConsentDriftAsync(DefenderPermissions.MicrosoftGraph.ResourceId, cancellationToken);
            output.WriteLine(drift.IsComplete
                ? "   consent: every declared permission is granted"
                : $"   consent: MISSING {string.Join(", ", drift.Missing)}");
            if (drift.Extra.Count > 0)
            {
                output.WriteLine($"   consent: also granted {string.Join(", ", drift.Extra)} (more than declared)");
            }

            // Incidents and hunting through Microsoft Graph: the Defender XDR hunting API stops working on 2027-02-01
            // (DEF5001), and its incident API is at risk (DEF5002).
            var active = new List<GraphIncident>();
            await foreach (var incident in tenant.GraphSecurity.Incidents.ListIncidentsAsync(filter: "status eq 'active'", cancellationToken: cancellationToken))
            {
                active.Add(incident);
            }

            output.WriteLine($"   {active.Count} active incidents; most recent:");
            foreach (var incident in active.OrderByDescending(i => i.LastUpdateDateTime).Take(3))
            {
                output.WriteLine($"     #{incident.Id} [{incident.Severity}] {incident.DisplayName}");
            }

            var hunting = await tenant.GraphSecurity.AdvancedHunting.RunHuntingQueryAsync(
                new GraphRunHuntingQueryRequest { Query = "DeviceProcessEvents | where FileName == 'powershell.exe' | take 3", Timespan = "P7D" },
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
