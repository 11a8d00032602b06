using System.Globalization;
using System.Text;

namespace Defender365.Toolkit.Benchmarks;

/// <summary>
/// A large, ordinary C# project for analyzer cost: each file about 100 lines of services with string literals (log
/// messages, configuration keys, URLs, ids), secret-sounding names holding placeholders or lookups, dictionaries,
/// comparisons, interpolations and LINQ — the nodes secret rules look at — and no secret, so every build succeeds.
/// </summary>
internal static class LargeProject
{
    public static Dictionary<string, string> Generate(int files)
    {
        var sources = new Dictionary<string, string>(files);
        for (var i = 0; i < files; i++)
        {
            sources[string.Create(CultureInfo.InvariantCulture, $"Module{i:D4}.cs")] = File(i);
        }

        return sources;
    }

    private static string File(int i)
    {
        var n = i.ToString("D4", CultureInfo.InvariantCulture);
        var builder = new StringBuilder(6_000);
        builder.Append(CultureInfo.InvariantCulture, $$"""
            using System;
            using System.Collections.Generic;
            using System.Linq;
            using System.Net.Http;
            using System.Threading.Tasks;

            namespace Bench.Area{{i % 40}};

            public sealed class Settings{{n}}
            {
                public const string SectionName = "Services:Module{{n}}";
                public const string SecretName = "Module{{n}}ClientSecret";
                public string Endpoint { get; set; } = "https://api{{i % 7}}.contoso.com/v{{i % 3}}/items";
                public string ClientSecret { get; set; } = "";
                public string Password { get; set; } = "<set in user-secrets>";
                public string TokenEndpoint { get; set; } = "https://login.microsoftonline.com/common/oauth2/v2.0/token";
                public string ApiKey { get; set; } = Environment.GetEnvironmentVariable("MODULE{{n}}_API_KEY") ?? "";
                public int PageSize { get; set; } = {{50 + (i % 50)}};
            }

            public sealed class Service{{n}}(HttpClient http, Settings{{n}} settings)
            {
                private static readonly Dictionary<string, string> Labels = new()
                {
                    ["status"] = "Active",
                    ["severity"] = "High",
                    ["classification"] = "TruePositive",
                    ["determination"] = "Malware",
                };

                public async Task<IReadOnlyList<string>> ListAsync(string filter)
                {
                    var url = $"{settings.Endpoint}?$filter={Uri.EscapeDataString(filter)}&$top={settings.PageSize}";
                    using var request = new HttpRequestMessage(HttpMethod.Get, url);
                    request.Headers.Add("Accept", "application/json");
                    request.Headers.Add("X-Correlation-Id", Guid.NewGuid().ToString());
                    using var response = await http.SendAsync(request).ConfigureAwait(false);
                    var body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
                    return body.Split('\n').Where(line => line.Length > 0 && !line.StartsWith("#", StringComparison.Ordinal)).ToList();
                }

                public string Describe(string name, int count)
                {
                    if (settings.ClientSecret == "" && settings.Password == "<set in user-secrets>")
                    {
                        return "Module {{n}} is not configured: set " + Settings{{n}}.SecretName;
                    }

                    var secretState = settings.ClientSecret.Length > 0 ? "configured" : "missing";
                    return $"Module {{n}} for {name}: {count} items, secret {secretState}, endpoint {settings.Endpoint}";
                }

            """);

        for (var m = 0; m < 4; m++)
        {
            builder.Append(CultureInfo.InvariantCulture, $$"""
                    public Dictionary<string, string> Form{{m}}(string tenantId)
                    {
                        var form = new Dictionary<string, string>
                        {
                            ["grant_type"] = "client_credentials",
                            ["client_id"] = "a1b2c3d4-0000-4000-8000-{{(i * 4 + m):D12}}",
                            ["client_secret"] = settings.ClientSecret,
                            ["scope"] = "https://api.securitycenter.microsoft.com/.default",
                        };
                        form.Add("tenant", tenantId);
                        var state = Labels.TryGetValue("status", out var status) ? status : "Unknown";
                        Console.WriteLine("Form {{m}} built for tenant " + tenantId + " with status " + state);
                        return form;
                    }

                """);
        }

        builder.Append("}\n");
        return builder.ToString();
    }
}
