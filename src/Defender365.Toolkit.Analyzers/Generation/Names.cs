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

    /// <summary>
    /// The C# name of a catalog entity or enum: PascalCase (<c>@odata.type</c> → <c>OdataType</c>), except for a name
    /// that every file of an SDK-style project already has in scope through its implicit usings, which would make both
    /// ambiguous (CS0104) the moment a file imports the models: those get the prefix <c>Defender</c> (<c>File</c> →
    /// <c>DefenderFile</c>, beside System.IO.File). <c>ImplicitUsingsCollisionTests</c> keeps the list complete.
    /// </summary>
    public static string Type(string name)
    {
        var pascal = Pascal(name);
        return pascal is "File" or "KeyValuePair" ? "Defender" + pascal : pascal;
    }

    /// <summary>A PascalCase identifier from any name.</summary>
    public static string Pascal(string name)
    {
        var builder = new StringBuilder();
        var upper = true;
        foreach (var c in name)
        {
            if (!char.IsLetterOrDigit(c))
            {
                upper = true;
                continue;
            }

            builder.Append(upper ? char.ToUpperInvariant(c) : c);
            upper = false;
        }

        if (builder.Length == 0 || char.IsDigit(builder[0]))
        {
            builder.Insert(0, 'V');
        }

        return builder.ToString();
    }

    /// <summary>A camelCase parameter name, escaped with @ when it is a keyword.</summary>
    public static string Parameter(string name)
    {
        var pascal = Pascal(name);
        var camel = char.ToLowerInvariant(pascal[0]) + pascal.Substring(1);
        return Microsoft.CodeAnalysis.CSharp.SyntaxFacts.GetKeywordKind(camel) != Microsoft.CodeAnalysis.CSharp.SyntaxKind.None ? "@" + camel : camel;
    }

    /// <summary>A plain identifier fragment (letters and digits only).</summary>
    public static string Identifier(string name) => new(name.Where(char.IsLetterOrDigit).ToArray());

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
