using System.Diagnostics;
using Defender365.Toolkit.Catalog;
using Defender365.Toolkit.Quotas;

namespace Defender365.Toolkit.DependencyInjection;

/// <summary>
/// The <c>Defender</c> configuration section that <c>AddDefenderClient</c> binds: which app signs in, how, for which
/// tenants, in which cloud. Put the secret in user-secrets, environment variables (<c>Defender__ClientSecret</c>) or a
/// key vault, never in <c>appsettings.json</c>.
/// </summary>
/// <example>
/// <code language="json">
/// "Defender": {
///   "ClientId": "5f0e3a43-9b5c-4f2a-9f60-3c1f2b8f6d01",
///   "AllowedTenants": [ "contoso.onmicrosoft.com", "2b9d4e6f-3a5c-4b7d-9e1f-2a4c6e8b0d13" ],
///   "Cloud": "Commercial"
/// }
/// </code>
/// </example>
[DebuggerDisplay("ClientId = {ClientId}, Cloud = {Cloud}")]
public sealed class DefenderOptions
{
    /// <summary>The app registration's Application (client) ID. Required.</summary>
    public string? ClientId { get; set; }

    /// <summary>The client secret's value. Set this or <see cref="CertificatePath"/>, not both.</summary>
    [DebuggerBrowsable(DebuggerBrowsableState.Never)]
    public string? ClientSecret { get; set; }

    /// <summary>A certificate file with its private key (PFX, or PEM with the key) registered on the app.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The password of the PFX at <see cref="CertificatePath"/>, if it has one.</summary>
    [DebuggerBrowsable(DebuggerBrowsableState.Never)]
    public string? CertificatePassword { get; set; }

    /// <summary>
    /// <c>Commercial</c>, <c>GCC</c>, <c>GCCHigh</c> or <c>DoD</c>. Default: the cloud <c>defender-scopes.json</c>
    /// declares when the generated client is registered with <c>AddDefenderClient&lt;DefenderClient&gt;</c>, else
    /// <c>Commercial</c>. Another cloud than the manifest's stops the app at start.
    /// </summary>
    public string? Cloud { get; set; }

    /// <summary>The customer tenants (ids or domains) the app may act in, or <c>"*"</c> for any. Required.</summary>
    public IList<string> AllowedTenants { get; } = [];

    /// <summary>Another sign-in host (HTTPS), such as a local emulator; default: the cloud's.</summary>
    public Uri? AuthorityHost { get; set; }

    /// <summary>API base URLs by resource id (<c>MicrosoftThreatProtection</c>, …) that replace the cloud's.</summary>
    public IDictionary<string, Uri> Endpoints { get; } = new Dictionary<string, Uri>(StringComparer.Ordinal);

    /// <summary>Check each call's permission against the tenant's token before sending it. Default: on.</summary>
    public bool ValidatePermissions { get; set; } = true;

    /// <summary>How many times a throttled or failed call is sent again. Default: 3.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>
    /// The most tokens (one per tenant and API) the process keeps; past it the least recently used are dropped and
    /// requested again when used. Default 100,000 (<see cref="Authentication.DefenderAppCredentialOptions.MaxCachedTokens"/>).
    /// </summary>
    public int MaxCachedTokens { get; set; } = 100_000;

    /// <summary>Keep each tenant's calls within the documented quotas, and pause a tenant's quota when the service throttles it. Default: on.</summary>
    public bool UseQuotas { get; set; } = true;

    /// <summary>The quota governor's waits and pauses (<c>Quotas:MaxWait</c>, …).</summary>
    public DefenderQuotaOptions Quotas { get; } = new();

    // The cloud the registered client's manifest declares ([DefenderManifest] on it), and that client's name.
    internal (DefenderCloud Cloud, string Client)? Manifest { get; set; }

    // Valid once DefenderOptionsValidator passed (it names an unknown cloud and a conflict with the manifest).
    internal DefenderCloud ParsedCloud => string.IsNullOrWhiteSpace(Cloud)
        ? Manifest?.Cloud ?? DefenderCloud.Commercial
        : Enum.Parse<DefenderCloud>(Cloud, ignoreCase: true);

    /// <inheritdoc/>
    public override string ToString() =>
        $"ClientId = {ClientId}, Credential = {(ClientSecret is { Length: > 0 } ? "client secret" : CertificatePath is { Length: > 0 } ? "certificate" : "none")}, Cloud = {ParsedCloud}, AllowedTenants = {AllowedTenants.Count}";
}
