namespace Defender365.Toolkit.Analyzers.Generation;

/// <summary>Names of the pipeline steps, so tests can assert what ran and what was cached.</summary>
internal static class TrackingNames
{
    public const string ParseManifest = nameof(ParseManifest);
    public const string SelectManifest = nameof(SelectManifest);
    public const string Options = nameof(Options);
    public const string BuildSpec = nameof(BuildSpec);
    public const string BuildClientSpec = nameof(BuildClientSpec);
}
