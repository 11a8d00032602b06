namespace Defender365.Toolkit.Analyzers.Diagnostics;

/// <summary>Diagnostic ids: public contract, never reused. DEF1xxx manifest, DEF2xxx permissions, DEF3xxx secrets, DEF4xxx usage, DEF5xxx API lifecycle.</summary>
internal static class RuleIdentifiers
{
    public const string InvalidManifest = "DEF1001";
    public const string UnknownManifestEntry = "DEF1002";
    public const string UndeclaredPermission = "DEF2001";
    public const string UnneededPermission = "DEF2002";
    public const string HardcodedSecret = "DEF3001";
    public const string SecretInFile = "DEF3002";
    public const string SecretByName = "DEF3003";
    public const string SecretInComment = "DEF3004";
    public const string SecretWrittenToLog = "DEF4001";
    public const string AdalInUse = "DEF4002";
    public const string TlsValidationDisabled = "DEF4003";
    public const string RetiringOperation = "DEF5001";
    public const string AtRiskOperation = "DEF5002";

    private const string DocsBase = "https://github.com/defender365-toolkit/Defender365.Toolkit/blob/main/docs/rules/";

    /// <summary>The documentation page of a rule: <c>docs/rules/{id}.md</c>.</summary>
    public static string GetHelpUri(string id) => DocsBase + id + ".md";
}

/// <summary>Diagnostic categories.</summary>
internal static class RuleCategories
{
    public const string Manifest = "Manifest";
    public const string Security = "Security";
    public const string Usage = "Usage";
    public const string Lifecycle = "Lifecycle";
}
