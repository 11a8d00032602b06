using System.Linq;
using System.Text;

namespace Defender365.Toolkit.Analyzers.Generation;

/// <summary>C# names derived from catalog names.</summary>
internal static class Names
{
    /// <summary>The nested class of <c>DefenderPermissions</c> for a resource.</summary>
    public static string ResourceClass(string resourceId) => resourceId switch
    {
        "MicrosoftThreatProtection" => "ThreatProtection",
        "WindowsDefenderATP" => "WindowsDefenderAtp",
        _ => resourceId,
    };

    /// <summary><c>Incident.Read.All</c> → <c>IncidentReadAll</c>.</summary>
    public static string PermissionConstant(string permission)
    {
        var builder = new StringBuilder();
        foreach (var part in permission.Split('.', '-', '_').Where(p => p.Length > 0))
        {
            builder.Append(char.ToUpperInvariant(part[0])).Append(part, 1, part.Length - 1);
        }

        return builder.ToString();
    }
}
