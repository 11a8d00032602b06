using Defender365.Toolkit.Catalog;

namespace Defender365.Toolkit.Analyzers.Tests.Infrastructure;

/// <summary>Representative scope manifests.</summary>
internal static class Manifests
{
    /// <summary>The DESIGN example: XDR incidents and hunting, MDE machines and isolation.</summary>
    public const string Soc = """
        {
          "namespace": "Contoso.SocConnector.Defender",
          "cloud": "Commercial",
          "permissions": {
            "Microsoft Threat Protection": { "application": ["Incident.Read.All", "AdvancedHunting.Read.All"] },
            "WindowsDefenderATP":          { "application": ["Machine.Read.All", "Machine.Isolate"] }
          }
        }
        """;

    /// <summary>Only Graph, with a delegated permission, and no namespace (the project's root namespace is used).</summary>
    public const string GraphOnly = """
        {
          "cloud": "GCCHigh",
          "permissions": {
            "Microsoft Graph": { "application": ["SecurityIncident.ReadWrite.All", "ThreatHunting.Read.All"], "delegated": ["SecurityIncident.Read.All"] }
          }
        }
        """;

    /// <summary>Every application and delegated permission of every resource.</summary>
    public static string Everything()
    {
        var resources = DefenderCatalog.Default.Resources.Select(r =>
            $"\"{r.DisplayName}\": {{ \"application\": [{Quoted(r, DefenderPermissionKind.Application)}], \"delegated\": [{Quoted(r, DefenderPermissionKind.Delegated)}] }}");
        return $$"""{ "namespace": "Everything.Defender", "permissions": { {{string.Join(",\n", resources)}} } }""";

        static string Quoted(DefenderResource r, DefenderPermissionKind kind) =>
            string.Join(", ", r.Permissions.Where(p => p.Kind == kind).Select(p => $"\"{p.Name}\""));
    }
}
