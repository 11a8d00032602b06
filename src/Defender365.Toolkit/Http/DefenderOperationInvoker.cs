using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Defender365.Toolkit.Authorization;
using Defender365.Toolkit.Catalog;
using Defender365.Toolkit.Diagnostics;

namespace Defender365.Toolkit.Http;

/// <summary>
/// Calls any catalog operation for a tenant: builds the request from the operation's path template and the arguments,
/// sends it through the pipeline (tenant token, permission pre-check, retries on throttling), and returns the typed
/// result or throws <see cref="DefenderRequestException"/>. The generated clients are thin typed wrappers over it.
/// </summary>
/// <remarks>Thread-safe; create one per credential and reuse it.</remarks>
public class DefenderOperationInvoker
{
    private readonly TokenCredential _credential = null!;

    /// <summary>For mocking.</summary>
    protected DefenderOperationInvoker()
    {
        Options = new DefenderClientOptions();
        Pipeline = null!;
    }

    /// <summary>Creates an invoker with the default options (commercial cloud).</summary>
    /// <param name="credential">Tokens per tenant: <see cref="Authentication.DefenderAppCredential"/>, or any Azure.Identity credential.</param>
    /// <exception cref="ArgumentNullException"><paramref name="credential"/> is null.</exception>
    /// <exception cref="ArgumentException">A <see cref="Authentication.DefenderAppCredential"/> of another cloud.</exception>
    public DefenderOperationInvoker(TokenCredential credential)
        : this(credential, new DefenderClientOptions())
    {
    }

    /// <summary>Creates an invoker.</summary>
    /// <param name="credential">Tokens per tenant: <see cref="Authentication.DefenderAppCredential"/>, or any Azure.Identity credential.</param>
    /// <param name="options">Cloud, endpoints, permission pre-check and retry settings; copied, so later changes do not affect the invoker.</param>
    /// <exception cref="ArgumentNullException"><paramref name="credential"/> or <paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">A <see cref="Authentication.DefenderAppCredential"/> of another cloud than <see cref="DefenderClientOptions.Cloud"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A size or page limit of <paramref name="options"/> is out of range.</exception>
    public DefenderOperationInvoker(TokenCredential credential, DefenderClientOptions options)
    {
        _credential = credential ?? throw new ArgumentNullException(nameof(credential));
        ArgumentNullException.ThrowIfNull(options);
        Options = options.Snapshot();

        // Tokens from one cloud's sign-in are worthless to another cloud's APIs: say so now, not with a 401 per call.
        if (credential is Authentication.DefenderAppCredential app && app.Cloud != Options.Cloud)
        {
            throw new ArgumentException(
                $"The credential signs in to the {app.Cloud} cloud, but the client calls the {Options.Cloud} cloud's APIs. Use one cloud for both: DefenderAppCredentialOptions.Cloud = DefenderCloud.{Options.Cloud} (or DefenderClientOptions.Cloud = DefenderCloud.{app.Cloud}).",
                nameof(credential));
        }
        if (Options.DefaultPageSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), Options.DefaultPageSize, $"{nameof(DefenderClientOptions.DefaultPageSize)} must be positive.");
        }

        if (Options.MaxResponseBytes < 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(options), Options.MaxResponseBytes, $"{nameof(DefenderClientOptions.MaxResponseBytes)} must be at least 1,024.");
        }

        if (Options.MaxPagesPerList < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), Options.MaxPagesPerList, $"{nameof(DefenderClientOptions.MaxPagesPerList)} must be positive.");
        }

        var pipelineOptions = new HttpPipelineOptions(Options);
        pipelineOptions.PerRetryPolicies.Add(new TenantAuthenticationPolicy(_credential, Options));
        if (Options.UseQuotas)
        {
            // The app's shared governor, or one for this invoker: a tenant's quota is counted wherever its calls go.
            Options.QuotaLimiter ??= new Quotas.DefenderQuotaLimiter(Options.Quotas, sharedStore: null, Options.LoggerFactory, Options.TimeProvider);
            pipelineOptions.PerRetryPolicies.Add(new QuotaPolicy(Options.QuotaLimiter, Options.TimeProvider));
        }

        // Azure.Core takes the retry policy from the options; ours knows the Defender 429 forms and POST semantics.
        // A policy the caller set is kept. The options are the invoker's own copy, so the caller's stay as they were.
        Options.RetryPolicy ??= new DefenderRetryPolicy(Options.Retry, Options.TimeProvider, Options.LoggerFactory);
        Pipeline = HttpPipelineBuilder.Build(pipelineOptions);
    }

    /// <summary>The invoker's copy of the options it was created with (with its retry policy filled in).</summary>
    public DefenderClientOptions Options { get; }

    /// <summary>The HTTP pipeline, for sending requests the catalog does not describe.</summary>
    public HttpPipeline Pipeline { get; }

    /// <summary>Sends an operation and returns the raw response. Throws for any non-success status.</summary>
    /// <param name="operation">The catalog operation.</param>
    /// <param name="tenantId">The customer tenant.</param>
    /// <param name="arguments">Path, query and body.</param>
    /// <param name="cancellationToken">Cancels the call, including retry waits.</param>
    /// <exception cref="MissingPermissionException">The tenant's token lacks the permission; nothing was sent.</exception>
    /// <exception cref="DefenderRequestException">The service returned an error (after retries).</exception>
    /// <exception cref="Authentication.DefenderAuthenticationException">No token for the tenant.</exception>
    public virtual async Task<Response> SendAsync(DefenderOperation operation, string tenantId, DefenderRequestArguments? arguments = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        var message = await SendMessageAsync(operation, tenantId, arguments ?? new DefenderRequestArguments(), cancellationToken).ConfigureAwait(false);
        return message.Response;
    }

    /// <summary>Sends an operation and deserializes its response body.</summary>
    /// <typeparam name="T">The response model.</typeparam>
    /// <param name="operation">The catalog operation.</param>
    /// <param name="tenantId">The customer tenant.</param>
    /// <param name="arguments">Path, query and body.</param>
    /// <param name="responseType">JSON metadata of <typeparamref name="T"/> (from a source-generated context).</param>
    /// <param name="cancellationToken">Cancels the call, including retry waits.</param>
    /// <inheritdoc cref="SendAsync(DefenderOperation, string, DefenderRequestArguments?, CancellationToken)" path="/exception"/>
    public virtual async Task<Response<T>> SendAsync<T>(DefenderOperation operation, string tenantId, DefenderRequestArguments? arguments, JsonTypeInfo<T> responseType, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        ArgumentNullException.ThrowIfNull(responseType);
        var message = await SendMessageAsync(operation, tenantId, arguments ?? new DefenderRequestArguments(), cancellationToken).ConfigureAwait(false);
        var response = message.Response;
        T? value;
        try
        {
            value = JsonSerializer.Deserialize(response.Content.ToMemory().Span, responseType);
        }
        catch (Exception exception) when (Classify(exception, cancellationToken) is { } failure)
        {
            throw Fail(failure, operation, tenantId, Attempts(message), exception);
        }

        return Response.FromValue(value ?? throw Fail(DefenderRequestFailure.InvalidResponse, operation, tenantId, Attempts(message), new JsonException("The body is empty or null.")), response);
    }

    /// <summary>Lists the items of a collection operation, fetching pages as they are enumerated.</summary>
    /// <typeparam name="T">The item model.</typeparam>
    /// <param name="operation">A list operation of the catalog.</param>
    /// <param name="tenantId">The customer tenant.</param>
    /// <param name="arguments">Path parameters, <c>$filter</c>, <c>$top</c> (total items) and other query parameters.</param>
    /// <param name="itemType">JSON metadata of <typeparamref name="T"/>.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    public virtual AsyncPageable<T> GetPageableAsync<T>(DefenderOperation operation, string tenantId, DefenderRequestArguments? arguments, JsonTypeInfo<T> itemType, CancellationToken cancellationToken = default)
        where T : notnull
    {
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        ArgumentNullException.ThrowIfNull(itemType);
        if (!operation.Response.IsCollection)
        {
            throw new ArgumentException($"{operation.Id} does not return a list.", nameof(operation));
        }

        return new DefenderPageable<T>(this, operation, tenantId, arguments ?? new DefenderRequestArguments(), itemType, cancellationToken);
    }

    /// <summary>The incremental sync of a changing collection of one tenant, keeping its cursor in a store.</summary>
    /// <typeparam name="T">The item model.</typeparam>
    /// <param name="operation">A list operation with <see cref="DefenderOperation.ChangeTracking"/>.</param>
    /// <param name="tenantId">The customer tenant.</param>
    /// <param name="itemType">JSON metadata of <typeparamref name="T"/>.</param>
    /// <param name="store">Where the cursor is kept, and who may poll.</param>
    /// <param name="options">Overlap, lease, filter and page size; null for the defaults.</param>
    /// <exception cref="ArgumentException">The operation cannot be synced (no change time in the catalog).</exception>
    public virtual Sync.DefenderSync<T> GetSync<T>(DefenderOperation operation, string tenantId, JsonTypeInfo<T> itemType, Sync.IDefenderSyncStore store, Sync.DefenderSyncOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        ArgumentNullException.ThrowIfNull(itemType);
        ArgumentNullException.ThrowIfNull(store);
        return new Sync.DefenderSync<T>(this, operation, tenantId, itemType, store, options);
    }

    /// <summary>
    /// Acquires the tenant's token for a resource and compares its roles with the permissions the app declares
    /// (consent drift): what is missing and what was granted beyond the declaration.
    /// </summary>
    public virtual async Task<ConsentDrift> GetConsentDriftAsync(string tenantId, string resourceId, IEnumerable<string> declared, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        ArgumentNullException.ThrowIfNull(declared);
        var resource = DefenderCatalog.Default.GetResource(resourceId);
        var endpoint = Options.Endpoint(resource);
        var token = await _credential.GetTokenAsync(new TokenRequestContext([endpoint.DefaultScope], tenantId: tenantId), cancellationToken).ConfigureAwait(false);
        var claims = AccessTokenClaims.Parse(token.Token);
        return ConsentDrift.Compare(tenantId, resource, declared, claims.Roles);
    }

    /// <summary>Sends a list request (a first page, or a next link when <paramref name="link"/> is set) and reads its body inside the attempt.</summary>
    /// <returns>The response, with its body in a pooled buffer the caller disposes.</returns>
    internal async Task<(Response Response, PooledContent Content, Uri RequestUri)> SendPageAsync(DefenderOperation operation, string tenantId, DefenderRequestArguments arguments, int? top, int? skip, Uri? link, CancellationToken cancellationToken)
    {
        using var activity = DefenderTelemetry.StartOperation(operation.Id, tenantId, operation.Resource.Id);
        var message = CreateMessage(operation, tenantId, arguments, top, skip, link);
        PooledContent.Request(message, Options.MaxResponseBytes);
        PooledContent? content = null;
        try
        {
            await Pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
            Complete(message, operation, tenantId);
            // A retry policy of the caller's own does not read bodies: read it here then.
            content = PooledContent.Take(message)
                ?? await PooledContent.ReadAsync(message.Response.ContentStream, message.Response.Headers.ContentLength, Options.MaxResponseBytes, cancellationToken).ConfigureAwait(false);
            return (message.Response, content, message.Request.Uri.ToUri());
        }
        catch (Exception exception) when (Classify(exception, cancellationToken) is { } failure)
        {
            content?.Dispose();
            throw Failed(activity, Fail(failure, operation, tenantId, message, exception));
        }
        catch (Exception exception)
        {
            content?.Dispose();
            Failed(activity, exception);
            throw;
        }
    }

    /// <summary>
    /// Resolves a next link (relative ones against the page that returned it) and checks it points at the API that issued
    /// it: the bearer token never goes to another host.
    /// </summary>
    internal Uri ResolveNextLink(DefenderOperation operation, string tenantId, Uri pageUri, string link, int attempts)
    {
        if (!Uri.TryCreate(pageUri, link, out var resolved) || !resolved.IsAbsoluteUri)
        {
            throw Fail(DefenderRequestFailure.InvalidResponse, operation, tenantId, attempts, new FormatException("The @odata.nextLink is not a link."));
        }

        var baseUrl = Options.Endpoint(operation.Resource).ApiBaseUrl;
        if (!string.Equals(resolved.GetLeftPart(UriPartial.Authority), baseUrl.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase))
        {
            throw Fail(DefenderRequestFailure.InvalidResponse, operation, tenantId, attempts, new InvalidOperationException($"The @odata.nextLink points at another host ({resolved.Authority}) than the API's ({baseUrl.Authority}); it was not followed."));
        }

        return resolved;
    }

    /// <summary>
    /// Which failure an exception thrown while calling is, or <see langword="null"/> when it must pass as it is: the
    /// caller's own cancellation, and the toolkit's typed exceptions.
    /// </summary>
    internal static DefenderRequestFailure? Classify(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        OperationCanceledException when cancellationToken.IsCancellationRequested => null,
        DefenderRequestException or MissingPermissionException or Authentication.DefenderAuthenticationException => null,
        ResponseTooLargeException => DefenderRequestFailure.ResponseTooLarge,
        OperationCanceledException or TimeoutException => DefenderRequestFailure.Timeout,
        RequestFailedException { Status: 0, InnerException: OperationCanceledException or TimeoutException } => DefenderRequestFailure.Timeout,
        RequestFailedException { Status: 0 } or IOException or HttpRequestException or System.Net.Sockets.SocketException => DefenderRequestFailure.Network,
        // What reading a body throws on values it cannot take; anything else (a bug of ours) passes as it is.
        JsonException or FormatException or OverflowException => DefenderRequestFailure.InvalidResponse,
        _ => null,
    };

    /// <summary>The exception for a failure that is not a service error answer, naming the operation, tenant and attempts.</summary>
    internal DefenderRequestException Fail(DefenderRequestFailure failure, DefenderOperation operation, string tenantId, int attempts, Exception cause)
    {
        var what = failure switch
        {
            DefenderRequestFailure.Network => $"the connection failed or was dropped ({cause.Message.TrimEnd('.')})",
            DefenderRequestFailure.Timeout => $"no answer within the network timeout of {Options.Retry.NetworkTimeout.TotalSeconds:0.###} s (DefenderClientOptions.Retry.NetworkTimeout)",
            DefenderRequestFailure.ResponseTooLarge => $"the response is larger than {Options.MaxResponseBytes:N0} bytes (DefenderClientOptions.MaxResponseBytes); ask for smaller pages or raise the cap",
            DefenderRequestFailure.PageLimitExceeded => $"the list went on past {Options.MaxPagesPerList:N0} pages (DefenderClientOptions.MaxPagesPerList); narrow it with $filter or raise the cap",
            _ => $"the response could not be read ({cause.Message.TrimEnd('.')})",
        };
        var text = $"{operation.Id} for tenant '{tenantId}' failed after {attempts} attempt{(attempts == 1 ? "" : "s")}: {what}.";
        return new DefenderRequestException(text, failure, status: 0, errorCode: null, serviceMessage: null, target: null, requestId: null, operation.Id, tenantId, retryAfter: null, attempts, cause);
    }

    private DefenderRequestException Fail(DefenderRequestFailure failure, DefenderOperation operation, string tenantId, HttpMessage message, Exception cause) =>
        cause is DefenderRequestException typed ? typed : Fail(failure, operation, tenantId, Attempts(message), cause);

    /// <summary>Marks the operation's span failed with the kind of failure, and hands the exception back to be thrown.</summary>
    private static Exception Failed(System.Diagnostics.Activity? activity, Exception exception)
    {
        DefenderTelemetry.Failed(activity, exception switch
        {
            DefenderRequestException request => request.Failure.ToString(),
            Authentication.DefenderAuthenticationException authentication => authentication.Failure.ToString(),
            _ => exception.GetType().Name,
        });
        return exception;
    }

    private static int Attempts(HttpMessage message) =>
        message.TryGetProperty(DefenderRetryPolicy.AttemptsProperty, out var count) && count is int attempts ? attempts : 1;

    private async Task<HttpMessage> SendMessageAsync(DefenderOperation operation, string tenantId, DefenderRequestArguments arguments, CancellationToken cancellationToken)
    {
        using var activity = DefenderTelemetry.StartOperation(operation.Id, tenantId, operation.Resource.Id);
        var message = CreateMessage(operation, tenantId, arguments, arguments.Top, arguments.Skip);
        try
        {
            await Pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
            Complete(message, operation, tenantId);
        }
        catch (Exception exception) when (Classify(exception, cancellationToken) is { } failure)
        {
            throw Failed(activity, Fail(failure, operation, tenantId, message, exception));
        }
        catch (Exception exception)
        {
            Failed(activity, exception);
            throw;
        }

        // The message is not disposed: that would dispose the response the caller receives (its content is buffered).
        return message;
    }

    /// <summary>The request for an operation, or for a next link the service returned (a GET of that link as it is).</summary>
    private HttpMessage CreateMessage(DefenderOperation operation, string tenantId, DefenderRequestArguments arguments, int? top, int? skip, Uri? nextLink = null)
    {
        var endpoint = Options.Endpoint(operation.Resource);
        var message = Pipeline.CreateMessage();
        new DefenderCallContext(operation, tenantId, endpoint).AttachTo(message);

        var request = message.Request;
        if (nextLink is not null)
        {
            request.Method = RequestMethod.Get;
            request.Uri.Reset(nextLink);
            request.Headers.SetValue("Accept", "application/json");
            return message;
        }

        request.Method = RequestMethod.Parse(operation.Method);
        request.Uri.Reset(endpoint.ApiBaseUrl);
        var basePath = endpoint.ApiBaseUrl.AbsolutePath.TrimEnd('/');
        request.Uri.AppendPath(basePath + operation.Template.Expand(new Dictionary<string, object?>(arguments.Path, StringComparer.Ordinal)), escape: false);
        AppendQuery(request.Uri, "$filter", arguments.Filter);
        AppendQuery(request.Uri, "$expand", arguments.Expand);
        AppendQuery(request.Uri, "$orderby", arguments.OrderBy);
        AppendQuery(request.Uri, "$top", top?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        AppendQuery(request.Uri, "$skip", skip?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var (name, value) in arguments.Query)
        {
            AppendQuery(request.Uri, name, value);
        }

        request.Headers.SetValue("Accept", "application/json");
        if (arguments.Body is { } body)
        {
            request.Headers.SetValue("Content-Type", arguments.ContentType ?? operation.Body?.ContentType ?? "application/json");
            request.Content = RequestContent.Create(body);
        }
        else if (operation.Body is not null && operation.Method != "GET")
        {
            // The Defender APIs reject an action POST without a JSON body; send an empty object.
            request.Headers.SetValue("Content-Type", "application/json");
            request.Content = RequestContent.Create(Encoding.UTF8.GetBytes("{}"));
        }

        return message;
    }

    private static void AppendQuery(RequestUriBuilder uri, string name, string? value)
    {
        if (value is not null)
        {
            uri.AppendQuery(name, value, escapeValue: true);
        }
    }

    private void Complete(HttpMessage message, DefenderOperation operation, string tenantId)
    {
        var response = message.Response;
        if (response.IsError || response.Status is < 200 or >= 300)
        {
            throw CreateException(response, operation, tenantId, message);
        }
    }

    private DefenderRequestException CreateException(Response response, DefenderOperation operation, string tenantId, HttpMessage message)
    {
        var error = ErrorBody.Read(response);
        var requestId = response.Headers.TryGetValue("request-id", out var id) ? id
            : response.Headers.TryGetValue("x-ms-request-id", out var msId) ? msId
            : response.ClientRequestId;
        var retryAfter = response.Status is 429 or 503 ? DefenderRetryPolicy.ServerDelay(response, Options.TimeProvider) : null;
        var attempts = Attempts(message);

        var text = new StringBuilder()
            .Append(operation.Id).Append(" for tenant '").Append(tenantId).Append("' failed: ")
            .Append(response.Status).Append(' ').Append(response.ReasonPhrase);
        if (error.Code is not null)
        {
            text.Append(" (").Append(error.Code).Append(')');
        }

        if (error.Message is not null)
        {
            text.Append(": ").Append(error.Message.TrimEnd('.')).Append('.');
        }

        if (response.Status is >= 300 and < 400)
        {
            // The handlers the toolkit creates do not follow redirects: the token must not follow one to another host.
            text.Append(" The API answered with a redirect, which is not followed.");
        }

        if (attempts > 1)
        {
            text.Append(" Gave up after ").Append(attempts).Append(" attempts.");
        }

        if (retryAfter is { } wait)
        {
            text.Append(" The service asks to wait ").Append(wait == TimeSpan.MaxValue ? "longer than a TimeSpan holds" : $"{Math.Ceiling(wait.TotalSeconds):0} s");
            if (wait > Options.Retry.MaxDelay)
            {
                text.Append(", longer than the ").Append(Options.Retry.MaxDelay.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture))
                    .Append(" s this client waits at most (DefenderClientOptions.Retry.MaxDelay)");
            }

            text.Append('.');
        }

        if (error.Target is not null)
        {
            text.Append(" Target: ").Append(error.Target).Append('.');
        }

        return new DefenderRequestException(text.ToString(), DefenderRequestFailure.ServiceError, response.Status, error.Code, error.Message, error.Target, requestId, operation.Id, tenantId, retryAfter, attempts);
    }
}
