using Defender365.Toolkit.Catalog;
using Microsoft.Extensions.Options;

namespace Defender365.Toolkit.DependencyInjection;

/// <summary>
/// Checks the <c>Defender</c> section at start-up, so a mistake stops the app with a sentence that names the setting,
/// rather than a sign-in failure at the first call. Messages name settings and never echo a value: a secret pasted into
/// the wrong setting would otherwise be printed in the start-up exception.
/// </summary>
internal sealed class DefenderOptionsValidator(string sectionPath) : IValidateOptions<DefenderOptions>
{
    public ValidateOptionsResult Validate(string? name, DefenderOptions options)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ClientId))
        {
            problems.Add($"{sectionPath}:ClientId is missing: set it to the app registration's Application (client) ID.");
        }
        else if (!Guid.TryParse(options.ClientId, out _))
        {
            problems.Add($"{sectionPath}:ClientId is not a GUID: use the app registration's Application (client) ID.");
        }

        var hasSecret = !string.IsNullOrEmpty(options.ClientSecret);
        var hasCertificate = !string.IsNullOrEmpty(options.CertificatePath);
        if (hasSecret && hasCertificate)
        {
            problems.Add($"{sectionPath}:ClientSecret and {sectionPath}:CertificatePath are both set: use one.");
        }
        else if (!hasSecret && !hasCertificate)
        {
            problems.Add($"Neither {sectionPath}:ClientSecret nor {sectionPath}:CertificatePath is set: put the secret in user-secrets or the environment ({sectionPath.Replace(":", "__", StringComparison.Ordinal)}__ClientSecret), or use a certificate.");
        }
        else if (hasCertificate && !File.Exists(options.CertificatePath))
        {
            problems.Add($"{sectionPath}:CertificatePath '{options.CertificatePath}' does not exist.");
        }

        if (string.IsNullOrWhiteSpace(options.Cloud))
        {
            // The manifest's cloud, or Commercial.
        }
        else if (!Enum.TryParse<DefenderCloud>(options.Cloud, ignoreCase: true, out var cloud) || !Enum.IsDefined(cloud) || int.TryParse(options.Cloud, out _))
        {
            problems.Add($"{sectionPath}:Cloud is not a known cloud: use {string.Join(", ", Enum.GetNames<DefenderCloud>())}.");
        }
        else if (options.Manifest is { } manifest && manifest.Cloud != cloud)
        {
            // Both are names of the enum, never the raw setting: nothing the user typed is echoed.
            problems.Add($"{sectionPath}:Cloud is {cloud}, but defender-scopes.json declares {manifest.Cloud} (for {manifest.Client}): remove {sectionPath}:Cloud, or make both the same cloud.");
        }

        if (options.AllowedTenants.Count == 0)
        {
            problems.Add($"{sectionPath}:AllowedTenants is empty: list the customer tenant ids or domains the app may act in (or \"*\").");
        }
        else if (options.AllowedTenants.FirstOrDefault(Authentication.DefenderAppCredential.IsMultiTenantAlias) is { } alias)
        {
            problems.Add($"{sectionPath}:AllowedTenants holds '{alias}', which is not a tenant: list customer tenant ids or domains (or \"*\" for any).");
        }

        if (options.AuthorityHost is { } host && host.Scheme != Uri.UriSchemeHttps)
        {
            problems.Add($"{sectionPath}:AuthorityHost must use HTTPS.");
        }

        foreach (var resourceId in options.Endpoints.Keys)
        {
            if (!DefenderCatalog.Default.Resources.Any(r => r.Id == resourceId))
            {
                problems.Add($"{sectionPath}:Endpoints has an unknown resource '{resourceId}': use {string.Join(", ", DefenderCatalog.Default.Resources.Select(r => r.Id))}.");
            }
        }

        if (options.MaxRetries is < 0 or > 10)
        {
            problems.Add($"{sectionPath}:MaxRetries must be 0 to 10; got {options.MaxRetries}.");
        }

        if (options.MaxCachedTokens < 1)
        {
            problems.Add($"{sectionPath}:MaxCachedTokens must be at least 1; got {options.MaxCachedTokens}.");
        }

        // Durations are not secrets: the rule is said, the value is not needed.
        problems.AddRange(options.Quotas.Problems().Select(p => $"{sectionPath}:Quotas:{p.Name} {p.Rule}."));

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
