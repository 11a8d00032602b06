using System.Text;
using Defender365.Toolkit.Catalog;
using Defender365.Toolkit.Http;
using Defender365.Toolkit.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Defender365.Toolkit.Tests.Http;

/// <summary>
/// What a server on the other end can do wrong, answered by a scripted API on loopback (tokens still from the emulator):
/// waits that are negative, huge or not numbers, bodies cut off or lying about their length, pagers that never end,
/// next links of the wrong shape. Each ends in a retry that succeeds or in a <see cref="DefenderRequestException"/> that
/// names the operation and tenant; never a hang, a raw exception or a silently short list.
/// </summary>
public sealed class HostileResponseTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private const string Tenant = EmulatorFixture.AllPermissionsTenantId;
    private static readonly DefenderOperation SkipList = DefenderCatalog.Default.GetOperation("ListIncidents");
    private static readonly DefenderOperation LinkList = DefenderCatalog.Default.GetOperation("GraphSecurity.ListIncidents");
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private DefenderOperationInvoker Invoker(ScriptedApi api, Action<DefenderClientOptions>? configure = null) =>
        fixture.CreateInvoker(configure: o =>
        {
            api.Serve(o);
            o.Retry.MaxDelay = TimeSpan.FromSeconds(2);
            configure?.Invoke(o);
        });

    private static async Task<List<string>> ListAsync(DefenderOperationInvoker invoker, DefenderOperation operation, int? pageSize = null, CancellationToken cancellationToken = default)
    {
        var ids = new List<string>();
        await foreach (var page in invoker.GetPageableAsync(operation, Tenant, null, TestJsonContext.Default.ScriptedItem, cancellationToken).AsPages(pageSizeHint: pageSize).WithCancellation(cancellationToken))
        {
            ids.AddRange(page.Values.Select(i => i.Id));
        }

        return ids;
    }

    private static int Query(HttpContext context, string name, int fallback) =>
        int.TryParse(context.Request.Query[name], out var value) ? value : fallback;

    /// <summary>Serves <paramref name="total"/> items over $top/$skip, as the service does.</summary>
    private static string SkipPage(HttpContext context, int total)
    {
        var skip = Query(context, "$skip", 0);
        var top = Query(context, "$top", 100);
        return ScriptedApi.Page(Enumerable.Range(skip, Math.Max(0, Math.Min(top, total - skip))));
    }

    [Theory]
    [InlineData("retry-after-ms", "-1", 3)]
    [InlineData("retry-after-ms", "-5", 3)]
    [InlineData("retry-after-ms", "NaN", 3)]
    [InlineData("retry-after-ms", "1e300", 1)]
    [InlineData("retry-after-ms", "Infinity", 3)]
    [InlineData("Retry-After", "-30", 3)]
    [InlineData("Retry-After", "99999999999999999999", 1)]
    [InlineData("Retry-After", "Fri, 31 Dec 9999 23:59:59 GMT", 1)]
    [InlineData("Retry-After", "soon", 3)]
    public async Task A_malformed_or_huge_wait_is_never_a_hang_or_a_crash(string header, string value, int attempts)
    {
        await using var api = await ScriptedApi.StartAsync(fixture.Emulator.Certificate, (context, n) =>
        {
            context.Response.Headers[header] = value;
            return ScriptedApi.Json(context, """{"error":{"code":"TooManyRequests","message":"Slow down."}}""", 429);
        });

        var error = await Assert.ThrowsAsync<DefenderRequestException>(() => Invoker(api, o => o.Retry.MaxRetries = 2).SendAsync(SkipList, Tenant).WaitAsync(Patience));

        Assert.Equal(429, error.Status);
        Assert.Equal(DefenderRequestFailure.ServiceError, error.Failure);
        Assert.Equal("ListIncidents", error.OperationId);
        Assert.Equal(Tenant, error.TenantId);
        // A wait that cannot be read is no wait: the back-off applies (3 attempts, no RetryAfter). One beyond the maximum
        // is not waited for at all (1 attempt), and the exception says how long the service asked for.
        Assert.Equal(attempts, error.Attempts);
        Assert.Equal(attempts, api.Requests);
        Assert.Equal(attempts == 1, error.RetryAfter > TimeSpan.FromDays(1));
    }

    [Theory]
    [InlineData("Retry-After", "99999999999999999999", true)]
    [InlineData("Retry-After", "Fri, 31 Dec 9999 23:59:59 GMT", true)]
    [InlineData("retry-after-ms", "1e300", true)]
    [InlineData("retry-after-ms", "-5", false)]
    [InlineData("Retry-After", "soon", false)]
    public async Task A_429s_hostile_wait_pauses_the_tenants_quota_no_longer_than_MaxPause(string header, string value, bool huge)
    {
        await using var api = await ScriptedApi.StartAsync(fixture.Emulator.Certificate, (context, n) =>
        {
            if (n > 1)
            {
                return ScriptedApi.Json(context, SkipPage(context, 1));
            }

            context.Response.Headers[header] = value;
            return ScriptedApi.Json(context, """{"error":{"code":"TooManyRequests","message":"Slow down."}}""", 429);
        });
        var invoker = Invoker(api, o =>
        {
            o.Retry.MaxRetries = 0;
            o.Quotas.MaxPause = TimeSpan.FromMinutes(10);
            o.Quotas.MaxWait = TimeSpan.FromSeconds(5);
        });

        var throttled = await Assert.ThrowsAsync<DefenderRequestException>(() => invoker.SendAsync(SkipList, Tenant).WaitAsync(Patience));
        Assert.Equal(429, throttled.Status);

        if (huge)
        {
            // Far beyond any real quota: the tenant pauses for MaxPause, and its next call is refused without being sent.
            var refused = await Assert.ThrowsAsync<DefenderRequestException>(() => invoker.SendAsync(SkipList, Tenant).WaitAsync(Patience));
            Assert.Equal(DefenderRequestFailure.QuotaExhausted, refused.Failure);
            Assert.InRange(refused.RetryAfter!.Value, TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(10));
            Assert.Equal(0, refused.Attempts);
            Assert.Equal(1, api.Requests);
        }
        else
        {
            // No readable wait: a short default pause, then the call goes out.
            var answer = await invoker.SendAsync(SkipList, Tenant).WaitAsync(Patience);
            Assert.Equal(200, answer.Status);
            Assert.Equal(2, api.Requests);
        }
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("1e300")]
    public async Task A_malformed_or_huge_wait_on_a_503_to_a_get_is_never_a_hang(string value)
    {
        await using var api = await ScriptedApi.StartAsync(fixture.Emulator.Certificate, (context, n) =>
        {
            context.Response.Headers["retry-after-ms"] = value;
            return ScriptedApi.Json(context, """{"error":{"code":"ServiceUnavailable","message":"Busy."}}""", 503);
        });

        var error = await Assert.ThrowsAsync<DefenderRequestException>(() => Invoker(api, o => o.Retry.MaxRetries = 2).SendAsync(SkipList, Tenant).WaitAsync(Patience));

        Assert.Equal(503, error.Status);
        // -1 is no wait (back-off, all 3 attempts); 1e300 ms is beyond the maximum (given up at once).
        Assert.Equal(value == "-1" ? 3 : 1, error.Attempts);
    }

    [Fact]
    public async Task A_refused_connection_is_a_network_failure_naming_the_operation_tenant_and_attempts()
    {
        Uri closed;
        await using (var api = await ScriptedApi.StartAsync(fixture.Emulator.Certificate, (context, n) => Task.CompletedTask))
        {
            closed = api.BaseAddress;
        }

        var invoker = fixture.CreateInvoker(configure: o =>
        {
            foreach (var resource in DefenderCatalog.Default.Resources)
            {
                o.Endpoints[resource.Id] = closed;
            }

            o.Retry.MaxRetries = 1;
        });
        var error = await Assert.ThrowsAsync<DefenderRequestException>(() => invoker.SendAsync(SkipList, Tenant).WaitAsync(Patience));

        Assert.Equal(DefenderRequestFailure.Network, error.Failure);
        Assert.Equal(0, error.Status);
        Assert.Equal(2, error.Attempts);
        Assert.Equal("ListIncidents", error.OperationId);
        Assert.Equal(Tenant, error.TenantId);
        Assert.Contains("ListIncidents for tenant", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wait_in_the_body_too_large_for_any_number_type_ends_in_the_typed_error()
    {
        await using var api = await ScriptedApi.StartAsync(fixture.Emulator.Certificate, (context, n) =>
            ScriptedApi.Json(context, """{"error":{"code":"TooManyRequests","message":"API calls quota exceeded! Try again in 99999999999 seconds."}}""", 429));

        var error = await Assert.ThrowsAsync<DefenderRequestException>(() => Invoker(api).SendAsync(SkipList, Tenant).WaitAsync(Patience));

        Assert.Equal(1, error.Attempts);
        Assert.Equal(1, api.Requests);
        Assert.True(error.RetryAfter > TimeSpan.FromDays(365), $"RetryAfter {error.RetryAfter}");
        Assert.Contains("longer than the 2 s this client waits at most", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_connection_dropped_mid_body_is_retried_and_every_item_arrives_once()
    {
        await using var api = await ScriptedApi.StartAsync(fixture.Emulator.Certificate, (context, n) =>
        {
            var page = SkipPage(context, 250);
            // Every other request is cut off after a few bytes of its body.
            return n % 2 == 1 ? ScriptedApi.DropMidBody(context, page, 20) : ScriptedApi.Json(context, page);
        });

        var ids = await ListAsync(Invoker(api), SkipList, pageSize: 100).WaitAsync(Patience);

        Assert.Equal(250, ids.Count);
        Assert.Equal(250, ids.Distinct().Count());
    }

    [Fact]
    public async Task A_body_that_keeps_dropping_ends_in_a_network_failure_naming_the_operation_and_attempts()
    {
        await using var api = await ScriptedApi.StartAsync(fixture.Emulator.Certificate, (context, n) => ScriptedApi.DropMidBody(context, SkipPage(context, 250), 20));

        var error = await Assert.ThrowsAsync<DefenderRequestException>(() => ListAsync(Invoker(api, o => o.Retry.MaxRetries = 2), SkipList).WaitAsync(Patience));

        Assert.Equal(DefenderRequestFailure.Network, error.Failure);
        Assert.Equal(0, error.Status);
        Assert.Equal(3, error.Attempts);
        Assert.Equal(3, api.Requests);
        Assert.Equal("ListIncidents", error.OperationId);
        Assert.Equal(Tenant, error.TenantId);
        Assert.NotNull(error.InnerException);
    }

    [Fact]
    public async Task A_lying_content_length_does_not_size_the_buffer()
    {
        await using var api = await ScriptedApi.StartAsync(fixture.Emulator.Certificate, async (context, n) =>
        {
            context.Response.ContentLength = 1_900_000_000;
            await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(ScriptedApi.Page([1, 2])));
            await context.Response.Body.FlushAsync();
            context.Abort();
        });

        var error = await Assert.ThrowsAsync<DefenderRequestException>(() => ListAsync(Invoker(api, o => o.Retry.MaxRetries = 1), SkipList).WaitAsync(Patience));

        // The buffer's size is not trusted to the header: PooledContent's own test below checks it exactly.
        Assert.Equal(DefenderRequestFailure.Network, error.Failure);
        Assert.Equal(2, error.Attempts);
    }

    [Fact]
    public async Task A_next_link_to_another_host_is_not_followed()
    {
        await using var other = await ScriptedApi.StartAsync(fixture.Emulator.Certificate, (context, n) => ScriptedApi.Json(context, ScriptedApi.Page([666])));
        var elsewhere = other.BaseAddress.AbsoluteUri.Replace("127.0.0.1", "localhost", StringComparison.Ordinal);
        await using var api = await ScriptedApi.StartAsync(fixture.Emulator.Certificate, (context, n) =>
            ScriptedApi.Json(context, ScriptedApi.Page([1], $"\"{elsewhere}v1.0/security/incidents?page=2\"")));

        var error = await Assert.ThrowsAsync<DefenderRequestException>(() => ListAsync(Invoker(api), LinkList).WaitAsync(Patience));

        Assert.Equal(DefenderRequestFailure.InvalidResponse, error.Failure);
        Assert.Contains("another host", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, other.Requests);
    }

    [Fact]
    public async Task A_page_reader_grows_with_what_arrives_and_refuses_more_than_its_cap()
    {
        using (var small = await PooledContent.ReadAsync(new MemoryStream(new byte[28]), declaredLength: 1_900_000_000, maxBytes: 1 << 20, CancellationToken.None))
        {
            Assert.Equal(28, small.Span.Length);
            Assert.True(small.Capacity <= PooledContent.MaxInitialBuffer, $"capacity {small.Capacity}");
        }

        using (var exact = await PooledContent.ReadAsync(new MemoryStream(new byte[1 << 20]), declaredLength: null, maxBytes: 1 << 20, CancellationToken.None))
        {
            Assert.Equal(1 << 20, exact.Span.Length);
        }

        var tooLarge = await Assert.ThrowsAsync<ResponseTooLargeException>(async () =>
            await PooledContent.ReadAsync(new MemoryStream(new byte[3 << 20]), declaredLength: 10, maxBytes: 1 << 20, CancellationToken.None));
        Assert.Equal(1 << 20, tooLarge.Limit);
    }

    [Fact]
    public async Task A_page_larger_than_the_cap_is_a_typed_error()
    {
        await using var api = await ScriptedApi.StartAsync(fixture.Emulator.Certificate, (context, n) => ScriptedApi.Json(context, SkipPage(context, 5_000)));

        var error = await Assert.ThrowsAsync<DefenderRequestException>(() => ListAsync(Invoker(api, o => o.MaxResponseBytes = 1024), SkipList).WaitAsync(Patience));

        Assert.Equal(DefenderRequestFailure.ResponseTooLarge, error.Failure);
        Assert.Equal(1, api.Requests);
        Assert.Contains("MaxResponseBytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_that_ignores_skip_is_stopped_as_making_no_progress()
    {
        await using var api = await ScriptedApi.StartAsync(fixture.Emulator.Certificate, (context, n) => ScriptedApi.Json(context, ScriptedApi.Page(Enumerable.Range(0, 100))));

        var error = await Assert.ThrowsAsync<DefenderRequestException>(() => ListAsync(Invoker(api), SkipList).WaitAsync(Patience));

        Assert.Equal(DefenderRequestFailure.PagingStalled, error.Failure);
        Assert.Equal(2, api.Requests);
        Assert.Equal("ListIncidents", error.OperationId);
        Assert.Equal(Tenant, error.TenantId);
    }

    [Fact]
    public async Task Short_pages_without_a_next_link_do_not_truncate_the_list()
    {
        // The service caps pages at 50 whatever $top asks; 250 items in all.
        await using var api = await ScriptedApi.StartAsync(fixture.Emulator.Certificate, (context, n) =>
        {
            var skip = Query(context, "$skip", 0);
            return ScriptedApi.Json(context, ScriptedApi.Page(Enumerable.Range(skip, Math.Max(0, Math.Min(50, 250 - skip)))));
        });

        var ids = await ListAsync(Invoker(api), SkipList, pageSize: 100).WaitAsync(Patience);

        Assert.Equal(250, ids.Distinct().Count());
        Assert.Equal(250, ids.Count);
    }

    [Fact]
    public async Task A_last_short_page_after_full_ones_ends_the_list_without_another_request()
    {
        await using var api = await ScriptedApi.StartAsync(fixture.Emulator.Certificate, (context, n) => ScriptedApi.Json(context, SkipPage(context, 57)));

        var ids = await ListAsync(Invoker(api), SkipList, pageSize: 10).WaitAsync(Patience);

        Assert.Equal(57, ids.Count);
        Assert.Equal(6, api.Requests);
    }

    [Fact]
    public async Task An_endless_next_link_chain_stops_at_the_page_cap()
    {
        await using var api = await ScriptedApi.StartAsync(fixture.Emulator.Certificate, (context, n) =>
            ScriptedApi.Json(context, ScriptedApi.Page([n], $"\"{context.Request.Scheme}://{context.Request.Host}/v1.0/security/incidents?page={n + 1}\"")));

        var error = await Assert.ThrowsAsync<DefenderRequestException>(() => ListAsync(Invoker(api, o => o.MaxPagesPerList = 25), LinkList).WaitAsync(Patience));

        Assert.Equal(DefenderRequestFailure.PageLimitExceeded, error.Failure);
        Assert.Equal(25, api.Requests);
        Assert.Contains("MaxPagesPerList", error.Message, StringComparison.Ordinal);
        Assert.Equal("GraphSecurity.ListIncidents", error.OperationId);
    }

    [Fact]
    public async Task A_relative_next_link_is_followed_on_the_same_host_and_a_non_string_one_is_an_invalid_response()
    {
        await using var api = await ScriptedApi.StartAsync(fixture.Emulator.Certificate, (context, n) =>
            ScriptedApi.Json(context, context.Request.Query.ContainsKey("page2")
                ? ScriptedApi.Page([2])
                : ScriptedApi.Page([1], "\"/v1.0/security/incidents?page2=1\"")));
        Assert.Equal(["1", "2"], await ListAsync(Invoker(api), LinkList).WaitAsync(Patience));

        await using var numeric = await ScriptedApi.StartAsync(fixture.Emulator.Certificate, (context, n) => ScriptedApi.Json(context, ScriptedApi.Page([1], "42")));
        var error = await Assert.ThrowsAsync<DefenderRequestException>(() => ListAsync(Invoker(numeric), LinkList).WaitAsync(Patience));
        Assert.Equal(DefenderRequestFailure.InvalidResponse, error.Failure);
        Assert.Contains("@odata.nextLink", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Next_link_paging_asks_for_the_documented_page_maximum()
    {
        string? firstQuery = null;
        await using var api = await ScriptedApi.StartAsync(fixture.Emulator.Certificate, (context, n) =>
        {
            firstQuery ??= context.Request.QueryString.Value;
            return ScriptedApi.Json(context, ScriptedApi.Page([1]));
        });

        await ListAsync(Invoker(api), LinkList).WaitAsync(Patience);

        Assert.Contains($"$top={LinkList.Query.MaxTop}", Uri.UnescapeDataString(firstQuery!), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_number_out_of_range_or_a_body_that_is_not_json_is_an_invalid_response()
    {
        await using var api = await ScriptedApi.StartAsync(fixture.Emulator.Certificate, (context, n) =>
            ScriptedApi.Json(context, n == 1 ? """{"value":[{"id":"1"}],"@odata.nextLink":"https://[bad"}""" : "<html>gateway</html>"));

        var badLink = await Assert.ThrowsAsync<DefenderRequestException>(() => ListAsync(Invoker(api), LinkList).WaitAsync(Patience));
        Assert.Equal(DefenderRequestFailure.InvalidResponse, badLink.Failure);

        var notJson = await Assert.ThrowsAsync<DefenderRequestException>(() => ListAsync(Invoker(api), SkipList).WaitAsync(Patience));
        Assert.Equal(DefenderRequestFailure.InvalidResponse, notJson.Failure);
        Assert.IsAssignableFrom<System.Text.Json.JsonException>(notJson.InnerException);
    }

    [Fact]
    public async Task A_stalled_body_is_a_timeout_not_a_cancellation()
    {
        await using var api = await ScriptedApi.StartAsync(fixture.Emulator.Certificate, async (context, n) =>
        {
            context.Response.ContentLength = 1000;
            await context.Response.Body.WriteAsync("{\"value\":["u8.ToArray());
            await context.Response.Body.FlushAsync();
            await Task.Delay(TimeSpan.FromSeconds(20), context.RequestAborted).ContinueWith(_ => { });
        });

        var error = await Assert.ThrowsAsync<DefenderRequestException>(() => ListAsync(Invoker(api, o =>
        {
            o.Retry.MaxRetries = 1;
            o.Retry.NetworkTimeout = TimeSpan.FromMilliseconds(300);
        }), SkipList).WaitAsync(Patience));

        Assert.Equal(DefenderRequestFailure.Timeout, error.Failure);
        Assert.Equal(2, error.Attempts);
    }

    [Fact]
    public async Task The_enumerators_cancellation_token_is_honoured_during_a_slow_page()
    {
        await using var api = await ScriptedApi.StartAsync(fixture.Emulator.Certificate, async (context, n) =>
        {
            await Task.Delay(n == 1 ? TimeSpan.Zero : TimeSpan.FromSeconds(20), context.RequestAborted).ContinueWith(_ => { });
            await ScriptedApi.Json(context, SkipPage(context, 10_000));
        });
        var invoker = Invoker(api);
        using var cancel = new CancellationTokenSource();
        var items = 0;

        var watch = System.Diagnostics.Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var item in invoker.GetPageableAsync(SkipList, Tenant, null, TestJsonContext.Default.ScriptedItem).WithCancellation(cancel.Token))
            {
                if (++items == 100)
                {
                    cancel.CancelAfter(200);
                }
            }
        }).WaitAsync(Patience);

        Assert.InRange(items, 100, 100);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task A_huge_error_message_is_cut_and_the_body_read_no_further_than_needed()
    {
        var huge = new string('x', 20_000_000);
        await using var api = await ScriptedApi.StartAsync(fixture.Emulator.Certificate, (context, n) =>
            ScriptedApi.Json(context, $$$"""{"error":{"code":"BadRequest","message":"{{{huge}}}"}}""", 400));

        var error = await Assert.ThrowsAsync<DefenderRequestException>(() => ListAsync(Invoker(api), SkipList).WaitAsync(Patience));

        Assert.Equal(400, error.Status);
        Assert.True(error.Message.Length < 4_096, $"message of {error.Message.Length:N0} characters");
        Assert.True(error.ServiceMessage is null || error.ServiceMessage.Length <= 2_049);
    }

    [Fact]
    public async Task A_long_error_message_that_fits_is_cut_at_2048_characters()
    {
        var longMessage = new string('y', 10_000);
        await using var api = await ScriptedApi.StartAsync(fixture.Emulator.Certificate, (context, n) =>
            ScriptedApi.Json(context, $$$"""{"error":{"code":"BadRequest","message":"{{{longMessage}}}"}}""", 400));

        var error = await Assert.ThrowsAsync<DefenderRequestException>(() => Invoker(api).SendAsync(SkipList, Tenant).WaitAsync(Patience));

        Assert.Equal("BadRequest", error.ErrorCode);
        Assert.Equal(2_049, error.ServiceMessage!.Length);
        Assert.EndsWith("…", error.ServiceMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_redirect_to_another_host_is_refused()
    {
        await using var other = await ScriptedApi.StartAsync(fixture.Emulator.Certificate, (context, n) => ScriptedApi.Json(context, ScriptedApi.Page([666])));
        await using var api = await ScriptedApi.StartAsync(fixture.Emulator.Certificate, (context, n) =>
        {
            context.Response.StatusCode = 307;
            context.Response.Headers.Location = new Uri(new Uri(other.BaseAddress.AbsoluteUri.Replace("127.0.0.1", "localhost", StringComparison.Ordinal)), "api/incidents").AbsoluteUri;
            return Task.CompletedTask;
        });

        var error = await Assert.ThrowsAsync<DefenderRequestException>(() => ListAsync(Invoker(api), SkipList).WaitAsync(Patience));

        Assert.Equal(307, error.Status);
        Assert.Equal(0, other.Requests);
    }
}
