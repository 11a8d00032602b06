using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Defender365.Toolkit.Authentication;
using Defender365.Toolkit.Catalog;
using Defender365.Toolkit.Emulator;
using Defender365.Toolkit.Http;

namespace Defender365.Toolkit.Tests.Infrastructure;

/// <summary>
/// A real emulator on loopback HTTPS with the demo tenants plus a tenant consented to every application permission,
/// shared by the tests of one class. Each test uses its own credential (its own token cache).
/// </summary>
public sealed class EmulatorFixture : IAsyncLifetime
{
    /// <summary>A tenant whose admin consented to every application permission of every resource.</summary>
    public const string AllPermissionsTenantId = "3e6a1f0c-5b7d-4c2e-9a8f-1d0b2c3e4f5a";

    /// <summary>A second tenant consented to every application permission, so per-tenant data is compared like with like.</summary>
    public const string SecondAllPermissionsTenantId = "5c1d9e2a-7b3f-4e6d-8a0c-2f4b6d8e0a1c";

    /// <summary>A tenant that exists but where the app has no service principal (never consented).</summary>
    public const string UnconsentedTenantId = "6d5c4b3a-2e1f-4a0b-8c7d-9e8f7a6b5c4d";

    /// <summary>An app registration that is disabled (consented in Contoso).</summary>
    public const string DisabledClientId = "0a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d";

    public string Secret { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));

    /// <summary>A secret of the demo app that has expired.</summary>
    public string ExpiredSecret { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));

    /// <summary>A certificate registered on the demo app (with private key, for the client).</summary>
    public X509Certificate2 AppCertificate { get; } = CreateCertificate("CN=Demo app credential");

    public DefenderEmulator Emulator { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var options = EmulatorOptions.CreateDemo(Secret);
        options.IncidentsPerTenant = 57;
        // Long enough that a duplicate sent right after the first action still finds it running on a loaded machine.
        options.MachineActionDuration = TimeSpan.FromSeconds(3);
        foreach (var all in new[] { options.AddTenant(AllPermissionsTenantId, "All permissions"), options.AddTenant(SecondAllPermissionsTenantId, "All permissions too") })
        {
            foreach (var resource in DefenderCatalog.Default.Resources)
            {
                all.Consent(EmulatorOptions.DemoClientId, resource.Id, resource.Permissions.Where(p => p.Kind == DefenderPermissionKind.Application).Select(p => p.Name).ToArray());
            }
        }

        options.AddTenant(UnconsentedTenantId, "Never consented");
        options.Apps[0].ExpiredSecrets.Add(ExpiredSecret);
        options.Apps[0].WithCertificate(AppCertificate);
        options.AddApp(DisabledClientId, "Disabled app").WithSecret(Secret).Disabled = true;
        options.Tenants.Single(t => t.TenantId == EmulatorOptions.ContosoTenantId).AddServicePrincipal(DisabledClientId);

        Emulator = await DefenderEmulator.StartAsync(options);
    }

    public async Task DisposeAsync()
    {
        await Emulator.DisposeAsync();
        AppCertificate.Dispose();
    }

    internal static X509Certificate2 CreateCertificate(string subject)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), password: null);
    }

    public DefenderAppCredential CreateCredential(params string[] allowedTenants) =>
        DefenderAppCredential.FromClientSecret(EmulatorOptions.DemoClientId, Secret, Emulator.CreateCredentialOptions(allowedTenants.Length == 0 ? ["*"] : allowedTenants));

    public DefenderOperationInvoker CreateInvoker(DefenderAppCredential? credential = null, Action<DefenderClientOptions>? configure = null)
    {
        var options = Emulator.CreateClientOptions();
        options.Retry.Delay = TimeSpan.FromMilliseconds(50);
        configure?.Invoke(options);
        return new DefenderOperationInvoker(credential ?? CreateCredential(), options);
    }
}
