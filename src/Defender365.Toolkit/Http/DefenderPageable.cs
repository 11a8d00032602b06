using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Azure;
using Defender365.Toolkit.Catalog;

namespace Defender365.Toolkit.Http;

/// <summary>
/// The items of a Defender list operation, fetched page by page as they are enumerated: <c>$top</c>/<c>$skip</c> for
/// Defender lists, <c>@odata.nextLink</c> where the service returns one (Graph, exports).
/// </summary>
/// <remarks>
/// A server is not trusted to end a list: a page it already returned (same items, in the same order) stops paging with
/// <see cref="DefenderRequestFailure.PagingStalled"/>, and <see cref="DefenderClientOptions.MaxPagesPerList"/> bounds the
/// rest. A short <c>$skip</c> page ends the list only when an earlier page was longer (the service showed it can return
/// more); otherwise, as a service may cap pages below the <c>$top</c> asked, one more page is asked for and an empty page
/// ends it. The enumerator's cancellation token (<c>WithCancellation</c>) is honoured as well as the method's.
/// </remarks>
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
    public override IAsyncEnumerable<Page<T>> AsPages(string? continuationToken = null, int? pageSizeHint = null) =>
        PagesAsync(continuationToken, pageSizeHint, default);

    /// <inheritdoc/>
    public override async IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        await foreach (var page in PagesAsync(null, null, cancellationToken).ConfigureAwait(false))
        {
            foreach (var item in page.Values)
            {
                yield return item;
            }
        }
    }

    private async IAsyncEnumerable<Page<T>> PagesAsync(string? continuationToken, int? pageSizeHint, [EnumeratorCancellation] CancellationToken enumeratorToken)
    {
        using var linked = enumeratorToken.CanBeCanceled && CancellationToken.CanBeCanceled
            ? CancellationTokenSource.CreateLinkedTokenSource(CancellationToken, enumeratorToken)
            : null;
        var cancellationToken = linked?.Token ?? (enumeratorToken.CanBeCanceled ? enumeratorToken : CancellationToken);

        var pageFingerprints = new HashSet<long>();
        var remaining = _arguments.Top;
        var pageSize = PageSize(pageSizeHint);
        var skip = _arguments.Skip ?? 0;
        var largestPage = 0;
        var pages = 0;
        Uri? nextLink = null;
        if (continuationToken is not null)
        {
            if (Uri.TryCreate(continuationToken, UriKind.Absolute, out var link))
            {
                nextLink = link;
            }
            else if (!int.TryParse(continuationToken, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out skip))
            {
                throw new ArgumentException($"'{continuationToken}' is not a continuation token of {_operation.Id}: pass a next link or a $skip offset a page returned.", nameof(continuationToken));
            }
        }

        while (remaining is null or > 0)
        {
            if (pages++ == _invoker.Options.MaxPagesPerList)
            {
                throw _invoker.Fail(DefenderRequestFailure.PageLimitExceeded, _operation, _tenantId, attempts: 1, new InvalidOperationException($"{pages - 1} pages were read."));
            }

            // $top on every first request the operation documents a maximum for: next-link lists too (Graph pages
            // default to a fraction of what they allow, so 12,000 items took 600 requests without it).
            int? top = _operation.Paging == DefenderPagingStyle.Skip || _operation.Query.MaxTop is not null || pageSizeHint is not null
                ? Math.Min(pageSize, remaining ?? int.MaxValue)
                : remaining;
            var (response, content, pageUri) = await _invoker.SendPageAsync(
                _operation, _tenantId, _arguments, top, _operation.Paging == DefenderPagingStyle.Skip || skip > 0 ? skip : null, nextLink, cancellationToken).ConfigureAwait(false);

            PageContent page;
            using (response)
            using (content)
            {
                try
                {
                    page = ReadPage(content.Span);
                }
                catch (Exception exception) when (DefenderOperationInvoker.Classify(exception, cancellationToken) is { } failure)
                {
                    throw _invoker.Fail(failure, _operation, _tenantId, attempts: 1, exception);
                }
            }

            var items = page.Items;
            if (items.Count > 0 && !pageFingerprints.Add(page.Fingerprint))
            {
                throw _invoker.Fail(DefenderRequestFailure.PagingStalled, _operation, _tenantId, attempts: 1, new InvalidOperationException(
                    $"page {pages} repeats an earlier page's {items.Count} items (a server ignoring $skip, or a next link that leads back)"));
            }

            if (remaining is { } left && items.Count > left)
            {
                items.RemoveRange(left, items.Count - left);
            }

            remaining -= items.Count;
            skip += items.Count;

            string? next = null;
            if (page.NextLink is { } link)
            {
                nextLink = _invoker.ResolveNextLink(_operation, _tenantId, pageUri, link, attempts: 1);
                next = nextLink.AbsoluteUri;
            }
            else if (_operation.Paging == DefenderPagingStyle.Skip && items.Count > 0 && remaining is null or > 0
                && (items.Count >= top || items.Count >= largestPage))
            {
                // A full page, or a short one no shorter than every page before (the service may cap below $top).
                nextLink = null;
                next = skip.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            largestPage = Math.Max(largestPage, items.Count);
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
    /// converters (no intermediate document), the next link, and a fingerprint of the items' bytes.
    /// </summary>
    private PageContent ReadPage(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        var items = new List<T>();
        string? next = null;
        var fingerprint = 0L;
        var sawValue = false;
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("The body is not a JSON object.");
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("value"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    throw new JsonException("'value' is not an array.");
                }

                sawValue = true;
                var start = (int)reader.TokenStartIndex;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    items.Add(JsonSerializer.Deserialize(ref reader, _itemType) ?? throw new JsonException("An item is null."));
                }

                fingerprint = Fingerprint(json[start..(int)reader.BytesConsumed]);
            }
            else if (reader.ValueTextEquals("@odata.nextLink"u8))
            {
                reader.Read();
                next = reader.TokenType switch
                {
                    JsonTokenType.String => reader.GetString(),
                    JsonTokenType.Null => null,
                    _ => throw new JsonException($"The @odata.nextLink is a {reader.TokenType}, not a string."),
                };
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return sawValue ? new PageContent(items, next, fingerprint) : throw new JsonException("No 'value' array: not an OData collection.");
    }

    // 64 bits from two differently seeded 32-bit hashes: two pages of a long listing colliding by chance is ~1e-12.
    private static long Fingerprint(ReadOnlySpan<byte> items)
    {
        var low = new HashCode();
        low.AddBytes(items);
        var high = new HashCode();
        high.Add(items.Length);
        high.AddBytes(items);
        return ((long)high.ToHashCode() << 32) | (uint)low.ToHashCode();
    }

    [StructLayout(LayoutKind.Auto)]
    private readonly record struct PageContent(List<T> Items, string? NextLink, long Fingerprint);
}
