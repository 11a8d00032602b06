using Microsoft.Extensions.Http.Logging;
using Microsoft.Extensions.Logging;

namespace Defender365.Toolkit.Diagnostics;

/// <summary>
/// The only logger of the HTTP clients the toolkit registers. <see cref="IHttpClientFactory"/>'s default logging puts
/// every request header into the structured state of its Trace events (its message text masks them, exporters that
/// walk the state do not), and those headers carry the bearer token or, to the token service, nothing better. This one
/// logs the method, host, path, status and time: no header, no query string, no body.
/// </summary>
internal sealed class DefenderHttpClientLogger(ILogger logger) : IHttpClientLogger
{
    public object? LogRequestStart(HttpRequestMessage request) => null;

    public void LogRequestStop(object? context, HttpRequestMessage request, HttpResponseMessage response, TimeSpan elapsed) =>
        DefenderLog.HttpRequestCompleted(logger, request.Method.Method, Describe(request.RequestUri), (int)response.StatusCode, (long)elapsed.TotalMilliseconds);

    public void LogRequestFailed(object? context, HttpRequestMessage request, HttpResponseMessage? response, Exception exception, TimeSpan elapsed) =>
        DefenderLog.HttpRequestFailed(logger, request.Method.Method, Describe(request.RequestUri), exception.GetType().Name, (long)elapsed.TotalMilliseconds);

    // Scheme, host and path: the query can hold a $filter with customer data, and an address never needs it to be found.
    private static string Describe(Uri? uri) => uri is null ? "(no address)" : uri.GetLeftPart(UriPartial.Path);
}
