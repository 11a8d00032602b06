using Defender365.Toolkit.Authentication;
using Defender365.Toolkit.Authorization;
using Defender365.Toolkit.Catalog;
using Defender365.Toolkit.Http;

namespace MultiTenantSoc;

/// <summary>What a SOC connector does for each customer tenant: check consent, read active incidents, hunt.</summary>
internal sealed class SocConnector(DefenderOperationInvoker invoker, TextWriter output)
{
    /// <summary>The application permissions this app declares it needs (its scope manifest).</summary>
    public static readonly string[] DeclaredPermissions = ["Incident.Read.All", "AdvancedHunting.Read.All"];

    private static readonly DefenderOperation ListIncidents = DefenderCatalog.Default.GetOperation("ListIncidents");
    private static readonly DefenderOperation RunHunting = DefenderCatalog.Default.GetOperation("RunAdvancedHuntingQuery");

    /// <returns>Whether every step succeeded for the tenant.</returns>
    public async Task<bool> RunAsync(string tenantId, CancellationToken cancellationToken)
    {
        output.WriteLine($"== Tenant {tenantId}");
        try
        {
            var drift = await invoker.GetConsentDriftAsync(tenantId, DefenderResourceIds.ThreatProtection, DeclaredPermissions, cancellationToken);
            output.WriteLine(drift.IsComplete
                ? "   consent: every declared permission is granted"
                : $"   consent: MISSING {string.Join(", ", drift.Missing)}");
            if (drift.Extra.Count > 0)
            {
                output.WriteLine($"   consent: also granted {string.Join(", ", drift.Extra)} (more than declared)");
            }

            var active = new List<Incident>();
            var arguments = new DefenderRequestArguments { Filter = "status eq 'Active'" };
            await foreach (var incident in invoker.GetPageableAsync(ListIncidents, tenantId, arguments, SampleJsonContext.Default.Incident, cancellationToken))
            {
                active.Add(incident);
            }

            output.WriteLine($"   {active.Count} active incidents; most recent:");
            foreach (var incident in active.OrderByDescending(i => i.LastUpdateTime).Take(3))
            {
                output.WriteLine($"     #{incident.IncidentId} [{incident.Severity}] {incident.IncidentName}");
            }

            var query = new DefenderRequestArguments { Body = BinaryData.FromObjectAsJson(new { Query = "DeviceProcessEvents | where FileName == 'powershell.exe' | take 3" }) };
            var hunting = await invoker.SendAsync(RunHunting, tenantId, query, SampleJsonContext.Default.HuntingResult, cancellationToken);
            output.WriteLine($"   hunting: {hunting.Value.Results.Count} rows from DeviceProcessEvents");
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
