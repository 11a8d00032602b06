namespace Defender365.Toolkit.Catalog;

/// <summary>
/// What the app's <c>defender-scopes.json</c> declares, carried on the generated <c>DefenderClient</c> so the runtime can
/// honour it: <c>AddDefenderClient&lt;DefenderClient&gt;</c> takes the manifest's cloud when configuration names none, and
/// stops the app at start when configuration names another.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true, AllowMultiple = false)]
public sealed class DefenderManifestAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="cloud">The cloud the manifest declares.</param>
    public DefenderManifestAttribute(DefenderCloud cloud)
    {
        Cloud = cloud;
    }

    /// <summary>The cloud the manifest declares (<c>"cloud"</c>, default <see cref="DefenderCloud.Commercial"/>).</summary>
    public DefenderCloud Cloud { get; }
}
