using System.Security.Cryptography.X509Certificates;
using Defender365.Toolkit.Catalog;

namespace Defender365.Toolkit.Emulator;

/// <summary>What the emulator serves: app registrations, tenants with their consents, and the seeded data's size.</summary>
public sealed partial class EmulatorOptions
{
    /// <summary>The loopback port; 0 (default) picks a free one.</summary>
    public int Port { get; set; }

    /// <summary>The app registrations the token service knows.</summary>
    public IList<EmulatorApp> Apps { get; } = [];

    /// <summary>The tenants, with the permissions each consented to per app.</summary>
    public IList<EmulatorTenant> Tenants { get; } = [];

    /// <summary>Lifetime of issued tokens. Default one hour; MSAL ignores tokens that live five minutes or less.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Seed of the generated data: the same seed gives the same incidents, alerts and machines.</summary>
    public int Seed { get; set; } = 365;

    /// <summary>Incidents generated per tenant. Default 30.</summary>
    public int IncidentsPerTenant { get; set; } = 30;

    /// <summary>Machines generated per tenant. Default 12.</summary>
    public int MachinesPerTenant { get; set; } = 12;

    /// <summary>How long a machine action takes to go from Pending through InProgress to Succeeded. Default 2 s.</summary>
    public TimeSpan MachineActionDuration { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The clock for token lifetimes and machine actions. Default: <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Write ASP.NET Core request logs to the console. Default off.</summary>
    public bool EnableRequestLogging { get; set; }

    /// <summary>
    /// When set, every tenant with data changes on this schedule (<see cref="EmulatorActivity.Tick"/>: an incident
    /// created, incidents and alerts updated), as a live tenant does. Null (the default): data changes only when asked.
    /// </summary>
    public TimeSpan? ChangeInterval { get; set; }

    /// <summary>Adds an app registration and returns it.</summary>
    public EmulatorApp AddApp(string clientId, string displayName)
    {
        var app = new EmulatorApp(clientId, displayName);
        Apps.Add(app);
        return app;
    }

    /// <summary>Adds a tenant and returns it.</summary>
    public EmulatorTenant AddTenant(string tenantId, string displayName, string? domain = null)
    {
        var tenant = new EmulatorTenant(tenantId, displayName, domain);
        Tenants.Add(tenant);
        return tenant;
    }

    internal void Validate()
    {
        if (TokenLifetime <= TimeSpan.FromMinutes(5))
        {
            throw new ArgumentOutOfRangeException(nameof(TokenLifetime), TokenLifetime, "Tokens must live longer than five minutes: MSAL treats shorter ones as already expired.");
        }

        if (ChangeInterval is { } interval && interval < TimeSpan.FromMilliseconds(100))
        {
            throw new ArgumentOutOfRangeException(nameof(ChangeInterval), interval, "Changes can come at most every 100 ms.");
        }

        foreach (var tenant in Tenants)
        {
            if (!Guid.TryParse(tenant.TenantId, out _))
            {
                throw new ArgumentException($"Tenant id '{tenant.TenantId}' is not a GUID.", nameof(Tenants));
            }
        }
    }
}

/// <summary>An app registration in the emulated Entra ID.</summary>
public sealed class EmulatorApp
{
    internal EmulatorApp(string clientId, string displayName)
    {
        if (!Guid.TryParse(clientId, out _))
        {
            throw new ArgumentException($"Client id '{clientId}' is not a GUID.", nameof(clientId));
        }

        ClientId = clientId;
        DisplayName = displayName;
    }

    /// <summary>Application (client) id.</summary>
    public string ClientId { get; }

    /// <summary>Display name.</summary>
    public string DisplayName { get; }

    /// <summary>Valid client secret values.</summary>
    public IList<string> Secrets { get; } = [];

    /// <summary>Client secret values that have expired (AADSTS7000222 when used).</summary>
    public IList<string> ExpiredSecrets { get; } = [];

    /// <summary>Certificates whose signed client assertions are accepted (public part is enough).</summary>
    public IList<X509Certificate2> Certificates { get; } = [];

    /// <summary>A disabled app gets AADSTS7000112 in every tenant.</summary>
    public bool Disabled { get; set; }

    /// <summary>Adds a client secret and returns the app.</summary>
    public EmulatorApp WithSecret(string secret)
    {
        Secrets.Add(secret);
        return this;
    }

    /// <summary>Adds a certificate and returns the app.</summary>
    public EmulatorApp WithCertificate(X509Certificate2 certificate)
    {
        Certificates.Add(certificate);
        return this;
    }
}

/// <summary>A customer tenant in the emulated Entra ID and Defender.</summary>
public sealed class EmulatorTenant
{
    internal EmulatorTenant(string tenantId, string displayName, string? domain)
    {
        TenantId = tenantId;
        DisplayName = displayName;
        Domain = domain;
    }

    /// <summary>The tenant id.</summary>
    public string TenantId { get; }

    /// <summary>Display name.</summary>
    public string DisplayName { get; }

    /// <summary>A verified domain that also identifies the tenant (e.g. <c>contoso.onmicrosoft.com</c>).</summary>
    public string? Domain { get; }

    /// <summary>
    /// Admin consents: app client id → resource id (<see cref="DefenderResourceIds"/>) → granted application permissions.
    /// An app absent here has no service principal in the tenant (AADSTS700016).
    /// </summary>
    public IDictionary<string, IDictionary<string, ISet<string>>> Consents { get; } = new Dictionary<string, IDictionary<string, ISet<string>>>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Records admin consent of <paramref name="permissions"/> on <paramref name="resourceId"/> for the app; returns the tenant.</summary>
    public EmulatorTenant Consent(string clientId, string resourceId, params string[] permissions)
    {
        var resource = DefenderCatalog.Default.GetResource(resourceId);
        foreach (var permission in permissions)
        {
            if (!resource.TryGetPermission(permission, DefenderPermissionKind.Application, out _))
            {
                throw new ArgumentException($"'{permission}' is not an application permission of {resource.DisplayName}.", nameof(permissions));
            }
        }

        if (!Consents.TryGetValue(clientId, out var byResource))
        {
            Consents[clientId] = byResource = new Dictionary<string, ISet<string>>(StringComparer.Ordinal);
        }

        if (!byResource.TryGetValue(resourceId, out var roles))
        {
            byResource[resourceId] = roles = new SortedSet<string>(StringComparer.Ordinal);
        }

        roles.UnionWith(permissions);
        return this;
    }

    /// <summary>Adds the app's service principal with no permissions (consented to nothing yet); returns the tenant.</summary>
    public EmulatorTenant AddServicePrincipal(string clientId)
    {
        if (!Consents.ContainsKey(clientId))
        {
            Consents[clientId] = new Dictionary<string, ISet<string>>(StringComparer.Ordinal);
        }

        return this;
    }

    /// <summary>Whether the tenant is identified by <paramref name="idOrDomain"/>.</summary>
    internal bool Matches(string idOrDomain) =>
        string.Equals(TenantId, idOrDomain, StringComparison.OrdinalIgnoreCase)
        || (Domain is not null && string.Equals(Domain, idOrDomain, StringComparison.OrdinalIgnoreCase));
}
