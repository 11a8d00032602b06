using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Reflection;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure.Core.Pipeline;
using Defender365.Toolkit.Authentication;
using Defender365.Toolkit.Benchmarks.Defender;
using Defender365.Toolkit.Catalog;
using Defender365.Toolkit.Emulator;
using Defender365.Toolkit.Http;
using Microsoft.Identity.Client;

namespace Defender365.Toolkit.Benchmarks;

/// <summary>
/// Paging 10,000 incidents from an emulator in another process: the generated client next to the loop people write
/// today (HttpClient, $top/$skip, System.Text.Json with reflection). Time and bytes allocated in this process.
/// </summary>
internal static partial class PagingBenchmark
{
    private const int Incidents = 10_000;
    private const int Runs = 5;

    public static async Task RunAsync()
    {
        Console.WriteLine();
        Console.WriteLine($"Paging {Incidents:N0} incidents (100 per page) from the emulator in another process (median of {Runs})");
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
        var certificateFile = Path.Combine(Path.GetTempPath(), $"defender365-bench-{Guid.NewGuid():N}.pem");
        using var emulator = StartEmulator(secret, certificateFile, out var baseAddress);
        try
        {
            using var certificate = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(certificateFile));
            using var http = new HttpClient(DefenderEmulator.CreatePinnedHandler(certificate));
            var credentialOptions = new DefenderAppCredentialOptions { AuthorityHost = baseAddress, HttpClientFactory = new Factory(http) };
            credentialOptions.AllowedTenants.Add(EmulatorOptions.ContosoTenantId);
            var credential = DefenderAppCredential.FromClientSecret(EmulatorOptions.DemoClientId, secret, credentialOptions);

            var clientOptions = new DefenderClientOptions { Transport = new HttpClientTransport(http), AuthorityHost = baseAddress };
            clientOptions.Endpoints[DefenderResourceIds.ThreatProtection] = baseAddress;
            var tenant = new DefenderClient(credential, clientOptions).ForTenant(EmulatorOptions.ContosoTenantId);

            var generated = new List<(double Ms, long Bytes)>();
            var handWritten = new List<(double Ms, long Bytes)>();
            for (var i = 0; i <= Runs; i++)
            {
                var g = await MeasureAsync(async () =>
                {
                    var count = 0;
                    await foreach (var incident in tenant.Incidents.ListIncidentsAsync())
                    {
                        count += incident.IncidentId > 0 ? 1 : 0;
                    }

                    return count;
                });
                var h = await MeasureAsync(() => HandWrittenAsync(http, credential, baseAddress));
                if (i > 0)
                {
                    generated.Add(g);
                    handWritten.Add(h);
                }
            }

            Report("generated client", generated);
            Report("HttpClient + STJ loop", handWritten);
        }
        finally
        {
            emulator.StandardInput.Close();
            await emulator.WaitForExitAsync();
            File.Delete(certificateFile);
        }
    }

    /// <summary>What a partner writes today: a token, a loop over $skip, reflection-based deserialization.</summary>
    private static async Task<int> HandWrittenAsync(HttpClient http, DefenderAppCredential credential, Uri baseAddress)
    {
        var token = await credential.GetTokenAsync(EmulatorOptions.ContosoTenantId, DefenderResourceIds.ThreatProtection);
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        var count = 0;
        for (var skip = 0; ; skip += 100)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(baseAddress, $"api/incidents?$top=100&$skip={skip}"));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);
            using var response = await http.SendAsync(request);
            response.EnsureSuccessStatusCode();
            await using var stream = await response.Content.ReadAsStreamAsync();
            var page = await JsonSerializer.DeserializeAsync<IncidentPage>(stream, options);
            count += page!.Value.Count;
            if (page.Value.Count < 100)
            {
                return count;
            }
        }
    }

    private static async Task<(double Ms, long Bytes)> MeasureAsync(Func<Task<int>> run)
    {
        GC.Collect();
        var bytes = GC.GetTotalAllocatedBytes(precise: true);
        var watch = Stopwatch.StartNew();
        var count = await run();
        watch.Stop();
        if (count != Incidents)
        {
            throw new InvalidOperationException($"Read {count} incidents, expected {Incidents}.");
        }

        return (watch.Elapsed.TotalMilliseconds, GC.GetTotalAllocatedBytes(precise: true) - bytes);
    }

    private static void Report(string what, List<(double Ms, long Bytes)> runs)
    {
        var ms = runs.Select(r => r.Ms).Order().ElementAt(runs.Count / 2);
        var bytes = runs.Select(r => r.Bytes).Order().ElementAt(runs.Count / 2);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {what,-22} {ms,8:0} ms   {bytes / 1024.0 / 1024.0,7:0.0} MB allocated   {bytes / (double)Incidents,7:N0} B per incident"));
    }

    private static Process StartEmulator(string secret, string certificateFile, out Uri baseAddress)
    {
        var path = typeof(PagingBenchmark).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "EmulatorAssemblyPath").Value!;
        var start = new ProcessStartInfo("dotnet", [path, "--incidents", Incidents.ToString(CultureInfo.InvariantCulture), "--certificate-out", certificateFile])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
        };
        start.Environment["DEFENDER365_EMULATOR_SECRET"] = secret;
        var process = Process.Start(start)!;
        while (process.StandardOutput.ReadLine() is { } line)
        {
            if (ListeningOn().Match(line) is { Success: true } match)
            {
                baseAddress = new Uri(match.Groups[1].Value);
                // Wait for the certificate file line too, then let the rest of the output drain.
                while (!File.Exists(certificateFile))
                {
                    Thread.Sleep(20);
                }

                _ = process.StandardOutput.ReadToEndAsync();
                return process;
            }
        }

        throw new InvalidOperationException("The emulator did not start.");
    }

    [GeneratedRegex(@"listening on (https://\S+)")]
    private static partial Regex ListeningOn();

    private sealed class Factory(HttpClient client) : IMsalHttpClientFactory
    {
        public HttpClient GetHttpClient() => client;
    }

    private sealed record IncidentPage(List<HandIncident> Value);

    private sealed record HandIncident(
        long IncidentId, string? IncidentName, DateTimeOffset CreatedTime, DateTimeOffset LastUpdateTime, string? AssignedTo, string? Severity,
        string? Status, string? Classification, string? Determination, string? DetectionSource, List<string>? Tags, List<HandComment>? Comments, List<HandAlert>? Alerts);

    private sealed record HandComment(string? Comment, string? CreatedBy, DateTimeOffset? CreatedTime);

    private sealed record HandAlert(
        string? AlertId, long? IncidentId, string? ServiceSource, DateTimeOffset? CreationTime, DateTimeOffset? LastUpdatedTime, string? Title,
        string? Description, string? Category, string? Status, string? Severity, string? DetectionSource, List<string>? MitreTechniques, List<JsonElement>? Devices);
}
