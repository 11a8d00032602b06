using Microsoft.CodeAnalysis;

namespace Defender365.Toolkit.Analyzers.Symbols;

/// <summary>
/// The one way the rules and fixes find a type by name. <c>Compilation.GetTypeByMetadataName</c> returns null as soon as
/// two assemblies define the name (a polyfill package beside the framework, two versions of a library), which would turn
/// a rule off without a word; it is banned (<c>BannedSymbols.txt</c>) in favour of <see cref="GetBestType"/>.
/// </summary>
internal static class TypeLookup
{
    /// <summary>
    /// The type the compilation's own code would bind to: the one it defines itself, else the only one among its
    /// references that it can see; null when there is none, or when several are visible (the compiler would report the
    /// name as ambiguous too).
    /// </summary>
    public static INamedTypeSymbol? GetBestType(this Compilation compilation, string metadataName)
    {
        INamedTypeSymbol? best = null;
        foreach (var type in compilation.GetTypesByMetadataName(metadataName))
        {
            if (SymbolEqualityComparer.Default.Equals(type.ContainingAssembly, compilation.Assembly))
            {
                return type;
            }

            if (!compilation.IsSymbolAccessibleWithin(type, compilation.Assembly))
            {
                continue;
            }

            if (best is not null)
            {
                return null;
            }

            best = type;
        }

        return best;
    }
}
