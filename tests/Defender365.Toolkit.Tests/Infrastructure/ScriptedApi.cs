using System.Net;
using System.Security.Cryptography.X509Certificates;
using Defender365.Toolkit.Catalog;
using Defender365.Toolkit.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Defender365.Toolkit.Tests.Infrastructure;

/// <summary>
/// A hostile API on loopback HTTPS: every request is answered by the test's script, byte by byte if it wants (a lying
/// Content-Length, a body cut off mid-way, a header no real service sends). It serves with the emulator's certificate,
/// so invokers made by <see cref="EmulatorFixture"/> trust it, and tokens still come from the emulator through MSAL.
/// </summary>
public sealed class ScriptedApi : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;

    private ScriptedApi(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Requests received so far.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Starts the server; <paramref name="script"/> gets each request with its 1-based number.</summary>
    public static async Task<ScriptedApi> StartAsync(X509Certificate2 certificate, Func<HttpContext, int, Task> script)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate)));
        var app = builder.Build();
        var api = new ScriptedApi(app);
        app.Run(context => script(context, Interlocked.Increment(ref api._requests)));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        api.BaseAddress = new Uri(address.TrimEnd('/') + "/");
        return api;
    }

    /// <summary>Points every API resource of the options at this server.</summary>
    public void Serve(DefenderClientOptions options)
    {
        foreach (var resource in DefenderCatalog.Default.Resources)
        {
            options.Endpoints[resource.Id] = BaseAddress;
        }
    }

    /// <summary>Writes a JSON body with a correct length.</summary>
    public static Task Json(HttpContext context, string json, int status = 200)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(json);
    }

    /// <summary>Sends the headers and the first <paramref name="sent"/> bytes of <paramref name="json"/>, then drops the connection.</summary>
    public static async Task DropMidBody(HttpContext context, string json, int sent)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = System.Text.Encoding.UTF8.GetByteCount(json);
        await context.Response.Body.WriteAsync(System.Text.Encoding.UTF8.GetBytes(json).AsMemory(0, sent));
        await context.Response.Body.FlushAsync();
        context.Abort();
    }

    /// <summary>A page of OData items <c>{"id": n}</c> for <paramref name="ids"/>, with an optional next link (raw JSON).</summary>
    public static string Page(IEnumerable<int> ids, string? nextLinkJson = null) =>
        "{\"value\":[" + string.Join(",", ids.Select(i => $"{{\"id\":\"{i}\",\"incidentId\":{i}}}")) + "]"
        + (nextLinkJson is null ? "" : ",\"@odata.nextLink\":" + nextLinkJson) + "}";

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
