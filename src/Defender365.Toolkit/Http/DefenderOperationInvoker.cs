using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Defender365.Toolkit.Authorization;
using Defender365.Toolkit.Catalog;

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

    /// <summary>Creates an invoker.</summary>
    /// <param name="credential">Tokens per tenant: <see cref="Authentication.DefenderAppCredential"/>, or any Azure.Identity credential.</param>
    /// <param name="options">Cloud, endpoints, permission pre-check and retry settings.</param>
    public DefenderOperationInvoker(TokenCredential credential, DefenderClientOptions? options = null)
    {
        _credential = credential ?? throw new ArgumentNullException(nameof(credential));
        Options = options ?? new DefenderClientOptions();
        if (Options.DefaultPageSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), Options.DefaultPageSize, $"{nameof(DefenderClientOptions.DefaultPageSize)} must be positive.");
        }

        var pipelineOptions = new HttpPipelineOptions(Options);
        pipelineOptions.PerRetryPolicies.Add(new TenantAuthenticationPolicy(_credential, Options));
        // Azure.Core takes the retry policy from the options; ours knows the Defender 429 forms and POST semantics.
        // A policy the caller set on the options is kept.
        Options.RetryPolicy ??= new DefenderRetryPolicy(Options.Retry, Options.TimeProvider, Options.LoggerFactory);
        Pipeline = HttpPipelineBuilder.Build(pipelineOptions);
    }

    /// <summary>The options the invoker was created with.</summary>
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
        arguments ??= new DefenderRequestArguments();
        var message = CreateMessage(operation, tenantId, arguments, arguments.Top, arguments.Skip);
        await Pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        return Complete(message, operation, tenantId);
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
        ArgumentNullException.ThrowIfNull(responseType);
        var response = await SendAsync(operation, tenantId, arguments, cancellationToken).ConfigureAwait(false);
        var value = JsonSerializer.Deserialize(response.Content.ToMemory().Span, responseType)
            ?? throw new JsonException($"{operation.Id} returned an empty body.");
        return Response.FromValue(value, response);
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

    internal async Task<Response> SendPageAsync(DefenderOperation operation, string tenantId, DefenderRequestArguments arguments, int? top, int? skip, CancellationToken cancellationToken)
    {
        var message = CreateMessage(operation, tenantId, arguments, top, skip);
        // The page is read once into a pooled buffer by the pageable (see PooledContent).
        message.BufferResponse = false;
        await Pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        return await CompleteAsync(message, operation, tenantId, cancellationToken).ConfigureAwait(false);
    }

    internal async Task<Response> SendLinkAsync(DefenderOperation operation, string tenantId, Uri link, CancellationToken cancellationToken)
    {
        var call = new DefenderCallContext(operation, tenantId, Options.Endpoint(operation.Resource));
        var message = Pipeline.CreateMessage();
        call.AttachTo(message);
        message.Request.Method = RequestMethod.Get;
        message.Request.Uri.Reset(link);
        message.Request.Headers.SetValue("Accept", "application/json");
        message.BufferResponse = false;
        await Pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        return await CompleteAsync(message, operation, tenantId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A next link must point at the API that issued it: the bearer token never goes to another host.</summary>
    internal void EnsureSameOrigin(DefenderOperation operation, Uri link)
    {
        var baseUrl = Options.Endpoint(operation.Resource).ApiBaseUrl;
        if (!string.Equals(link.GetLeftPart(UriPartial.Authority), baseUrl.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"{operation.Id} returned a next link to another host ({link.Host}) than the API's ({baseUrl.Host}); it was not followed.");
        }
    }

    private HttpMessage CreateMessage(DefenderOperation operation, string tenantId, DefenderRequestArguments arguments, int? top, int? skip)
    {
        var endpoint = Options.Endpoint(operation.Resource);
        var message = Pipeline.CreateMessage();
        new DefenderCallContext(operation, tenantId, endpoint).AttachTo(message);

        var request = message.Request;
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
            request.Headers.SetValue("Content-Type", operation.Body?.ContentType ?? "application/json");
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

    private static async Task<Response> CompleteAsync(HttpMessage message, DefenderOperation operation, string tenantId, CancellationToken cancellationToken)
    {
        if (message.Response.IsError || message.Response.Status is < 200 or >= 300)
        {
            await PooledContent.BufferAsync(message.Response, async: true, cancellationToken).ConfigureAwait(false);
        }

        return Complete(message, operation, tenantId);
    }

    private static Response Complete(HttpMessage message, DefenderOperation operation, string tenantId)
    {
        // The message is not disposed: that would dispose the response the caller receives (its content is buffered).
        var response = message.Response;
        if (response.IsError || response.Status is < 200 or >= 300)
        {
            throw CreateException(response, operation, tenantId, message);
        }

        return response;
    }

    private static DefenderRequestException CreateException(Response response, DefenderOperation operation, string tenantId, HttpMessage message)
    {
        var error = ErrorBody.Read(response);
        var requestId = response.Headers.TryGetValue("request-id", out var id) ? id
            : response.Headers.TryGetValue("x-ms-request-id", out var msId) ? msId
            : response.ClientRequestId;
        var retryAfter = response.Status == 429 ? DefenderRetryPolicy.ServerDelay(response) : null;
        var retries = message.TryGetProperty(DefenderRetryPolicy.RetryCountProperty, out var count) ? (int)count! : 0;

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

        if (retries > 0)
        {
            text.Append(" Gave up after ").Append(retries).Append(retries == 1 ? " retry." : " retries.");
        }

        if (retryAfter is { } wait)
        {
            text.Append(" The service asks to wait ").Append(Math.Ceiling(wait.TotalSeconds)).Append(" s.");
        }

        if (error.Target is not null)
        {
            text.Append(" Target: ").Append(error.Target).Append('.');
        }

        return new DefenderRequestException(text.ToString(), response.Status, error.Code, error.Message, error.Target, requestId, operation.Id, tenantId, retryAfter);
    }
}
