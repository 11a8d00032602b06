namespace Defender365.Toolkit.Catalog;

/// <summary>
/// The catalog identifiers of the three API resources (Entra ID "APIs my organization uses"). The manifest,
/// <see cref="Authorization.RequiresDefenderPermissionAttribute"/> and the catalog all use these strings.
/// </summary>
public static class DefenderResourceIds
{
    /// <summary>Microsoft Defender XDR: Entra ID app "Microsoft Threat Protection", audience <c>https://api.security.microsoft.com</c>.</summary>
    public const string ThreatProtection = "MicrosoftThreatProtection";

    /// <summary>Microsoft Defender for Endpoint: Entra ID app "WindowsDefenderATP", audience <c>https://api.securitycenter.microsoft.com</c>.</summary>
    public const string WindowsDefenderAtp = "WindowsDefenderATP";

    /// <summary>Microsoft Graph (security API): audience <c>https://graph.microsoft.com</c>.</summary>
    public const string MicrosoftGraph = "MicrosoftGraph";
}
