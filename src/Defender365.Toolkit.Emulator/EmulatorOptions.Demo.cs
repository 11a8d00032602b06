using Defender365.Toolkit.Catalog;

namespace Defender365.Toolkit.Emulator;

/// <content>The demo configuration the sample and <c>dotnet run</c> use.</content>
public sealed partial class EmulatorOptions
{
    /// <summary>The demo app registration's client id.</summary>
    public const string DemoClientId = "5f0e3a43-9b5c-4f2a-9f60-3c1f2b8f6d01";

    /// <summary>Demo tenant Contoso: everything the sample needs is consented.</summary>
    public const string ContosoTenantId = "7f1c2a3b-1d2e-4f50-8a6b-0c9d8e7f6a51";

    /// <summary>Demo tenant Fabrikam: read-only consent.</summary>
    public const string FabrikamTenantId = "2b9d4e6f-3a5c-4b7d-9e1f-2a4c6e8b0d13";

    /// <summary>Demo tenant Northwind: consented to incidents but not to advanced hunting (neither on Defender XDR nor on Microsoft Graph).</summary>
    public const string NorthwindTenantId = "9c8b7a65-4d3e-4f21-8a0b-c1d2e3f4a5b6";

    /// <summary>
    /// Three tenants served by one multi-tenant app: Contoso (full consent), Fabrikam (read-only), Northwind (lacks
    /// <c>AdvancedHunting.Read.All</c> and Graph's <c>ThreatHunting.Read.All</c>). The client secret is the caller's: generate one per run, never commit it.
    /// </summary>
    public static EmulatorOptions CreateDemo(string clientSecret)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(clientSecret);
        var options = new EmulatorOptions();
        options.AddApp(DemoClientId, "Contoso SOC Connector").WithSecret(clientSecret);
        options.AddTenant(ContosoTenantId, "Contoso", "contoso.onmicrosoft.com")
            .Consent(DemoClientId, DefenderResourceIds.ThreatProtection, "Incident.ReadWrite.All", "AdvancedHunting.Read.All")
            .Consent(DemoClientId, DefenderResourceIds.WindowsDefenderAtp, "Machine.Read.All", "Machine.Isolate", "Alert.ReadWrite.All", "Ti.ReadWrite.All")
            .Consent(DemoClientId, DefenderResourceIds.MicrosoftGraph, "SecurityIncident.Read.All", "ThreatHunting.Read.All");
        options.AddTenant(FabrikamTenantId, "Fabrikam", "fabrikam.onmicrosoft.com")
            .Consent(DemoClientId, DefenderResourceIds.ThreatProtection, "Incident.Read.All", "AdvancedHunting.Read.All")
            .Consent(DemoClientId, DefenderResourceIds.WindowsDefenderAtp, "Machine.Read.All")
            .Consent(DemoClientId, DefenderResourceIds.MicrosoftGraph, "SecurityIncident.Read.All", "ThreatHunting.Read.All");
        options.AddTenant(NorthwindTenantId, "Northwind Traders", "northwind.onmicrosoft.com")
            .Consent(DemoClientId, DefenderResourceIds.ThreatProtection, "Incident.Read.All")
            .Consent(DemoClientId, DefenderResourceIds.MicrosoftGraph, "SecurityIncident.Read.All");
        return options;
    }
}
