namespace Defender365.Toolkit.Authorization;

/// <summary>
/// Declares the permissions a method needs on a Defender API resource: any one of <see cref="AnyOf"/> suffices.
/// The generated clients carry it on every operation; the DEF2001 analyzer reports calls whose permission the
/// scope manifest (<c>defender-scopes.json</c>) does not declare. Put it on your own methods that call the APIs to
/// get the same check.
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Constructor | AttributeTargets.Delegate, AllowMultiple = true, Inherited = true)]
public sealed class RequiresDefenderPermissionAttribute : Attribute
{
    /// <summary>Declares that the method needs one of <paramref name="anyOf"/> on <paramref name="resource"/>.</summary>
    /// <param name="resource">The API resource: one of <see cref="Catalog.DefenderResourceIds"/>.</param>
    /// <param name="anyOf">The application permissions, least privileged first; any one suffices.</param>
    public RequiresDefenderPermissionAttribute(string resource, params string[] anyOf)
    {
        Resource = resource ?? throw new ArgumentNullException(nameof(resource));
        AnyOf = anyOf ?? throw new ArgumentNullException(nameof(anyOf));
    }

    /// <summary>The API resource id (one of <see cref="Catalog.DefenderResourceIds"/>).</summary>
    public string Resource { get; }

    /// <summary>Alternative permissions, least privileged first.</summary>
    public IReadOnlyList<string> AnyOf { get; }

    /// <summary>The catalog operation id the method calls, when it wraps one.</summary>
    public string? Operation { get; init; }
}
