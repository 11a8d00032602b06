namespace Defender365.Toolkit.Shared;

/// <summary>
/// The one rule for "does holding these permissions allow that call": a requirement is a list of alternatives, least
/// privileged first, and a permission is held when it is held itself or a permission that implies it is (a ReadWrite
/// covers its Read). The runtime applies it to a token's roles before a call, the generator to the manifest to decide
/// what is declared, the analyzers for DEF2001 and DEF2002.
/// </summary>
/// <remarks>
/// Compiled into both the runtime and the analyzer assembly (which cannot reference the runtime), so both decide alike;
/// names are qualified because only the runtime has implicit usings.
/// </remarks>
internal static class PermissionRules
{
    /// <summary>
    /// The held permission that satisfies <paramref name="anyOf"/> with the least access, or <see langword="null"/>
    /// when none does (also for an empty requirement: callers decide what "nothing required" means).
    /// </summary>
    /// <param name="anyOf">The alternatives, least privileged first.</param>
    /// <param name="held">What the token or manifest holds (compared case-sensitively, as the services do).</param>
    /// <param name="impliedBy">The permissions that imply a permission (its ReadWrite form), or none.</param>
    public static string? LeastPrivilegedSatisfier(System.Collections.Generic.IReadOnlyList<string> anyOf, System.Collections.Generic.IEnumerable<string> held, System.Func<string, System.Collections.Generic.IEnumerable<string>> impliedBy)
    {
        foreach (var required in anyOf)
        {
            if (Holds(held, required))
            {
                return required;
            }

            foreach (var stronger in impliedBy(required))
            {
                if (Holds(held, stronger))
                {
                    return stronger;
                }
            }
        }

        return null;
    }

    private static bool Holds(System.Collections.Generic.IEnumerable<string> held, string permission)
    {
        foreach (var candidate in held)
        {
            if (string.Equals(candidate, permission, System.StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
