using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Azure;
using Defender365.Toolkit.Catalog;

namespace Defender365.Toolkit.Http;

/// <summary>
/// The items of a Defender list operation, fetched page by page as they are enumerated: <c>$top</c>/<c>$skip</c> for
/// Defender lists, <c>@odata.nextLink</c> where the service returns one (Graph, exports).
/// </summary>
/// <typeparam name="T">Item type.</typeparam>
internal sealed class DefenderPageable<T> : AsyncPageable<T>
    where T : notnull
{
    private readonly DefenderOperationInvoker _invoker;
    private readonly DefenderOperation _operation;
    private readonly string _tenantId;
    private readonly DefenderRequestArguments _arguments;
    private readonly JsonTypeInfo<T> _itemType;

    public DefenderPageable(DefenderOperationInvoker invoker, DefenderOperation operation, string tenantId, DefenderRequestArguments arguments, JsonTypeInfo<T> itemType, CancellationToken cancellationToken)
        : base(cancellationToken)
    {
        _invoker = invoker;
        _operation = operation;
        _tenantId = tenantId;
        _arguments = arguments;
        _itemType = itemType;
    }

    /// <summary>
    /// Pages of items. The continuation token is the next link to follow, or the <c>$skip</c> offset of the next page.
    /// </summary>
    public override async IAsyncEnumerable<Page<T>> AsPages(string? continuationToken = null, int? pageSizeHint = null)
    {
        var seenLinks = new HashSet<string>(StringComparer.Ordinal);
        var remaining = _arguments.Top;
        var pageSize = PageSize(pageSizeHint);
        var skip = _arguments.Skip ?? 0;
        Uri? nextLink = null;
        if (continuationToken is not null)
        {
            if (Uri.TryCreate(continuationToken, UriKind.Absolute, out var link))
            {
                nextLink = link;
            }
            else
            {
                skip = int.Parse(continuationToken, System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        while (remaining is null or > 0)
        {
            var top = _operation.Paging == DefenderPagingStyle.Skip ? Math.Min(pageSize, remaining ?? int.MaxValue) : remaining;
            using var response = nextLink is null
                ? await _invoker.SendPageAsync(_operation, _tenantId, _arguments, top, _operation.Paging == DefenderPagingStyle.Skip || skip > 0 ? skip : null, CancellationToken).ConfigureAwait(false)
                : await _invoker.SendLinkAsync(_operation, _tenantId, nextLink, CancellationToken).ConfigureAwait(false);

            List<T> items;
            Uri? link;
            using (var content = await PooledContent.ReadAsync(response, CancellationToken).ConfigureAwait(false))
            {
                (items, link) = ReadPage(content.Span);
            }

            if (remaining is { } left && items.Count > left)
            {
                items.RemoveRange(left, items.Count - left);
            }

            remaining -= items.Count;
            skip += items.Count;

            string? next = null;
            if (link is not null)
            {
                if (!seenLinks.Add(link.AbsoluteUri))
                {
                    throw new InvalidOperationException($"{_operation.Id} returned a next link it had already returned ({link.GetLeftPart(UriPartial.Path)}); paging stopped to avoid an endless loop. {skip} items were read.");
                }

                _invoker.EnsureSameOrigin(_operation, link);
                nextLink = link;
                next = link.AbsoluteUri;
            }
            else if (_operation.Paging == DefenderPagingStyle.Skip && items.Count >= (top ?? pageSize) && items.Count > 0 && remaining is null or > 0)
            {
                nextLink = null;
                next = skip.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            yield return Page<T>.FromValues(items, next, response);
            if (next is null)
            {
                yield break;
            }
        }
    }

    private int PageSize(int? hint)
    {
        var size = hint ?? _invoker.Options.DefaultPageSize;
        if (_operation.Query.MaxTop is { } max && size > max)
        {
            size = max;
        }

        return Math.Max(1, size);
    }

    /// <summary>
    /// Reads one OData page in a single pass over the buffered body: items straight from the reader into the generated
    /// converters (no intermediate document), and the next link.
    /// </summary>
    private (List<T> Items, Uri? NextLink) ReadPage(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        var items = new List<T>();
        Uri? next = null;
        var sawValue = false;
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException($"{_operation.Id} did not return a JSON object.");
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("value"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    throw new JsonException($"{_operation.Id} returned a 'value' that is not an array.");
                }

                sawValue = true;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    items.Add(JsonSerializer.Deserialize(ref reader, _itemType) ?? throw new JsonException($"{_operation.Id} returned a null item."));
                }
            }
            else if (reader.ValueTextEquals("@odata.nextLink"u8))
            {
                reader.Read();
                next = reader.TokenType == JsonTokenType.String ? new Uri(reader.GetString()!, UriKind.Absolute) : null;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return sawValue ? (items, next) : throw new JsonException($"{_operation.Id} returned no 'value' array: not an OData collection.");
    }
}
