using System.CommandLine;
using Defender365.Toolkit.Authentication;
using Defender365.Toolkit.Catalog;
using Defender365.Toolkit.Cli.Manifest;

namespace Defender365.Toolkit.Cli.Commands;

/// <summary><c>defender365 consent-url</c>: the links a customer tenant's administrator opens to grant the app's permissions.</summary>
internal static class ConsentUrlCommand
{
    public static Command Create(CliConsole console)
    {
        var clientId = new Option<string>("--client-id") { Description = "The app registration's Application (client) ID.", Required = true };
        var tenants = new Option<string[]>("--tenant")
        {
            Description = "Customer tenant id or domain; repeat for several. Default: 'organizations' (the administrator's sign-in picks the tenant).",
            AllowMultipleArgumentsPerToken = true,
        };
        var cloud = new Option<DefenderCloud>("--cloud") { Description = "Commercial, GCC, GCCHigh or DoD.", DefaultValueFactory = _ => DefenderCloud.Commercial };
        var redirectUri = UriOption.Create("--redirect-uri", "A redirect URI registered on the app, where the browser returns after consent.");
        var resources = new Option<string[]>("--resource")
        {
            Description = "Resource to consent to (MicrosoftThreatProtection, WindowsDefenderATP, MicrosoftGraph or the portal name); repeat for several. Default: those the manifest declares, else MicrosoftThreatProtection.",
            AllowMultipleArgumentsPerToken = true,
        };
        var manifest = new Option<FileInfo?>("--manifest") { Description = "defender-scopes.json: one link per resource it declares." };
        var legacy = new Option<bool>("--legacy") { Description = "The v1 'prompt=consent' form the Defender partner documentation gives, instead of v2 'adminconsent'." };
        var authorityHost = UriOption.Create("--authority-host", "Another sign-in host (a local emulator); default: the cloud's.");

        var command = new Command("consent-url", "Print the admin-consent link(s) for customer tenants. Consent is granted per resource; after you add a permission to the app, each tenant consents again.")
        {
            clientId, tenants, cloud, redirectUri, resources, manifest, legacy, authorityHost,
        };
        command.SetAction(parse =>
        {
            var resourceIds = parse.GetValue(resources) is { Length: > 0 } named
                ? named.Select(n => ResourceNames.Resolve(n).Id).Distinct().ToArray()
                : parse.GetValue(manifest) is { } file
                    ? [.. DeclaredPermissions.Load(file).ByResource.Keys]
                    : [DefenderResourceIds.ThreatProtection];
            var tenantList = parse.GetValue(tenants) is { Length: > 0 } given ? given : ["organizations"];
            var app = parse.GetValue(clientId)!;
            if (!Guid.TryParse(app, out _))
            {
                throw new CommandException($"--client-id '{app}' is not a GUID: use the app registration's Application (client) ID.", ExitCodes.Usage);
            }

            // Every link is made before any is printed: a bad tenant gives an error, not half a list.
            var lines = new List<string>();
            try
            {
                foreach (var tenant in tenantList)
                {
                    if (parse.GetValue(legacy))
                    {
                        // The v1 form consents to everything configured on the app at once: one link per tenant.
                        lines.Add($"# tenant {tenant}, every permission configured on the app");
                        lines.Add(AdminConsentLinks.LegacyConsentUrl(app, tenant == "organizations" ? "common" : tenant, parse.GetValue(cloud), parse.GetValue(redirectUri), parse.GetValue(authorityHost)).ToString());
                        continue;
                    }

                    foreach (var resourceId in resourceIds)
                    {
                        lines.Add($"# tenant {tenant}, {DefenderCatalog.Default.GetResource(resourceId).DisplayName}");
                        lines.Add(AdminConsentLinks.AdminConsentUrl(app, tenant, parse.GetValue(cloud), resourceId, parse.GetValue(redirectUri), authorityHost: parse.GetValue(authorityHost)).ToString());
                    }
                }
            }
            catch (ArgumentException e)
            {
                // The sentence, without .NET's "(Parameter 'x')" tail.
                throw new CommandException(e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal), ExitCodes.Usage);
            }

            foreach (var line in lines)
            {
                console.Out.WriteLine(line);
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
