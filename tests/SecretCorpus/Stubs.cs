// Shapes of the credential APIs the corpus calls, in their real namespaces, so the corpus compiles without the packages.
#pragma warning disable
namespace Microsoft.Identity.Client
{
    public class ConfidentialClientApplicationBuilder
    {
        public static ConfidentialClientApplicationBuilder Create(string clientId) => new();
        public ConfidentialClientApplicationBuilder WithClientSecret(string clientSecret) => this;
        public ConfidentialClientApplicationBuilder WithTenantId(string tenantId) => this;
        public ConfidentialClientApplicationBuilder WithClientAssertion(string signedClientAssertion) => this;
        public object Build() => new();
    }
}

namespace Azure.Identity
{
    public class ClientSecretCredential
    {
        public ClientSecretCredential(string tenantId, string clientId, string clientSecret) { }
    }

    public class UsernamePasswordCredential
    {
        public UsernamePasswordCredential(string username, string password, string tenantId, string clientId) { }
    }
}

namespace Microsoft.IdentityModel.Clients.ActiveDirectory
{
    public class ClientCredential
    {
        public ClientCredential(string clientId, string clientSecret) { }
    }
}

namespace Defender365.Toolkit.Authentication
{
    public class DefenderAppCredential
    {
        public static DefenderAppCredential FromClientSecret(string clientId, string clientSecret) => new();
    }
}

namespace Microsoft.Data.SqlClient
{
    public class SqlConnectionStringBuilder
    {
        public string DataSource { get; set; } = "";
        public string UserID { get; set; } = "";
        public string Password { get; set; } = "";
    }
}

namespace Corpus.Services
{
    public sealed class SmtpOptions
    {
        public string Host { get; set; } = "";
        public string UserName { get; set; } = "";
        public string Password { get; set; } = "";
    }

    public sealed class VaultClient
    {
        public void SetPassword(string account, string password) { }
        public void Login(string user, string pass) { }
        public void Store(string name, string secretValue) { }
    }

    [System.AttributeUsage(System.AttributeTargets.Property)]
    public sealed class JsonNameAttribute(string name) : System.Attribute
    {
        public string Name { get; } = name;
    }
}
