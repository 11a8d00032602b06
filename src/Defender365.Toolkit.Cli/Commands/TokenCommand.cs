using System.CommandLine;
using System.Globalization;
using Defender365.Toolkit.Catalog;
using Defender365.Toolkit.Cli.Checks;
using Defender365.Toolkit.Cli.Connection;
using Defender365.Toolkit.Cli.Manifest;

namespace Defender365.Toolkit.Cli.Commands;

/// <summary>
/// <c>defender365 token</c>: acquire the app's token for one tenant, decode it here (nothing is sent anywhere else) and
/// compare its roles with the manifest — what people otherwise paste into a token-decoding website.
/// </summary>
internal static class TokenCommand
{
    public static Command Create(CliConsole console)
    {
        var tenant = new Option<string>("--tenant") { Description = "The customer tenant id or domain.", Required = true };
        var manifest = new Option<FileInfo?>("--manifest") { Description = "defender-scopes.json: check every resource it declares and show what is missing or extra." };
        var resource = new Option<string?>("--resource") { Description = "The resource to get a token for when no manifest is given. Default: MicrosoftThreatProtection." };
        var raw = new Option<bool>("--raw") { Description = "Also print the token itself. Anyone who has it can call the APIs as the app until it expires." };
        var connection = new AppConnectionOptions();

        var command = new Command("token", "Acquire the app's token for a tenant, decode it locally and compare its roles with the manifest. The token itself is not printed unless --raw is given.")
        {
            tenant, manifest, resource, raw,
        };
        connection.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var tenantId = parse.GetValue(tenant)!;
            IReadOnlyDictionary<string, IReadOnlyList<string>> declared = parse.GetValue(manifest) is { } file
                ? DeclaredPermissions.Load(file).ByResource
                : new Dictionary<string, IReadOnlyList<string>> { [ResourceNames.Resolve(parse.GetValue(resource) ?? DefenderResourceIds.ThreatProtection).Id] = [] };
            var hasManifest = parse.GetValue(manifest) is not null;
            var credential = AppConnection.CreateCredential(parse, connection, [tenantId]);

            var report = await TenantCheck.RunAsync(credential, tenantId, declared, cancellationToken).ConfigureAwait(false);
            if (report.Failure is not null)
            {
                console.Error.WriteLine($"error: {report.Message}");
                return report.IsCredentialProblem || report.Failure is Authentication.DefenderAuthenticationFailure.Unknown ? ExitCodes.Configuration
                    : report.IsUnavailable ? ExitCodes.Unavailable
                    : ExitCodes.Findings;
            }

            foreach (var result in report.Resources)
            {
                var claims = result.Claims;
                console.Out.WriteLine($"Resource   {result.Resource.DisplayName} ({result.Resource.Id})");
                console.Out.WriteLine($"Tenant     {claims.TenantId}");
                console.Out.WriteLine($"Audience   {claims.Audience}");
                console.Out.WriteLine($"App id     {claims.AppId}");
                console.Out.WriteLine($"Expires    {Expiry(claims.ExpiresOn)}");
                console.Out.WriteLine($"Roles      {(claims.Roles.Count == 0 ? "(none)" : string.Join(", ", claims.Roles))}");
                if (hasManifest)
                {
                    console.Out.WriteLine($"Declared   {string.Join(", ", result.Drift.Declared)}");
                    console.Out.WriteLine($"Missing    {(result.Drift.Missing.Count == 0 ? "none" : string.Join(", ", result.Drift.Missing))}");
                    console.Out.WriteLine($"Extra      {(result.Drift.Extra.Count == 0 ? "none" : string.Join(", ", result.Drift.Extra) + " (granted, not declared)")}");
                }

                if (parse.GetValue(raw))
                {
                    console.Error.WriteLine("warning: the token below lets anyone who has it call the APIs as the app until it expires; do not paste it into websites, tickets or chats.");
                    console.Out.WriteLine($"Token      {result.AccessToken}");
                }

                console.Out.WriteLine();
            }

            if (!report.IsHealthy)
            {
                console.Out.WriteLine($"The tenant's administrator grants what is missing here: {report.ConsentUrl}");
                return ExitCodes.Findings;
            }

            // A token without roles is refused by every operation of the API: that is a finding, not a success.
            if (report.Resources.FirstOrDefault(r => r.Claims.Roles.Count == 0) is { } empty)
            {
                console.Error.WriteLine($"warning: the token carries no roles: the app has no application permission on {empty.Resource.DisplayName} in this tenant, so every call to it is refused. Add the permissions to the app and have the tenant's administrator consent: {credential.GetAdminConsentUrl(tenantId, empty.Resource.Id)}");
                return ExitCodes.Findings;
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static string Expiry(DateTimeOffset? expiresOn)
    {
        if (expiresOn is not { } at)
        {
            return "(no exp claim)";
        }

        var left = at - DateTimeOffset.UtcNow;
        var relative = left > TimeSpan.Zero ? $"in {(int)left.TotalMinutes} min" : "EXPIRED";
        return $"{at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)}Z ({relative})";
    }
}
