using Microsoft.Extensions.DependencyInjection;

namespace Choreblimey.Webhooks.Tests.Subscriptions;

/// <summary>
/// Custom headers are checked when a subscription is created or updated, so a header HttpClient would refuse at send time
/// (failing every attempt until the subscription is disabled) is refused up front, with a message naming the header and rule.
/// </summary>
public sealed class HeaderValidationTests : IAsyncLifetime
{
    private const string Tenant = "tenant-a";
    private readonly ServiceProvider _services = RoutingServices.Create();

    private IWebhookSubscriptionManager Manager => _services.GetRequiredService<IWebhookSubscriptionManager>();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _services.DisposeAsync();

    private static WebhookSubscriptionRequest WithHeaders(IReadOnlyDictionary<string, string> headers) =>
        RoutingServices.Request() with { Headers = headers };

    private async Task<string> RefusedAsync(IReadOnlyDictionary<string, string> headers)
    {
        var exception = await Assert.ThrowsAsync<WebhookValidationException>(async () => await Manager.CreateAsync(Tenant, WithHeaders(headers)));
        Assert.Equal("Headers", exception.PropertyName);
        Assert.Empty((await Manager.ListAsync(Tenant)).Items);
        return exception.Message;
    }

    [Theory]
    [InlineData("café", "a non-ASCII character (U+00E9) at position 3")]
    [InlineData("Bearer ✓", "a non-ASCII character (U+2713) at position 7")]
    [InlineData("a\tb", "a control character (U+0009) at position 1")]
    [InlineData("a\u0001b", "a control character (U+0001) at position 1")]
    [InlineData("a\u007Fb", "a control character (U+007F) at position 1")]
    [InlineData("a\r\nInjected: 1", "a control character (U+000D) at position 1")]
    [InlineData("\0", "a control character (U+0000) at position 0")]
    public async Task A_value_with_a_non_ASCII_or_control_character_is_refused_naming_the_header_character_and_position(string value, string found)
    {
        var message = await RefusedAsync(new Dictionary<string, string> { ["X-Partner"] = value });

        Assert.Equal(
            $"The value of header 'X-Partner' contains {found}; a header value may contain only visible ASCII characters and spaces (encode other text, for example as percent-encoding or base64).",
            message);
    }

    [Fact]
    public async Task A_refused_value_is_never_echoed_because_it_is_often_a_credential()
    {
        var message = await RefusedAsync(new Dictionary<string, string> { ["Authorization"] = "Bearer s3cr3t-tökén" });

        Assert.Contains("'Authorization'", message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Visible_ASCII_and_spaces_up_to_the_length_limit_are_accepted_and_kept_exactly()
    {
        var visible = new string([.. Enumerable.Range(0x20, 0x7E - 0x20 + 1).Select(i => (char)i)]);
        var longest = new string('v', WebhookSubscriptionValidatorLimits.MaxValueLength);

        var created = await Manager.CreateAsync(Tenant, WithHeaders(new Dictionary<string, string> { ["X-Visible"] = visible, ["X-Long"] = longest, ["X-Empty"] = "" }));

        Assert.Equal(visible, created.Headers!["X-Visible"]);
        Assert.Equal(longest, created.Headers["X-Long"]);
        Assert.Equal(string.Empty, created.Headers["X-Empty"]);
    }

    [Fact]
    public async Task A_value_over_the_length_limit_is_refused_with_its_length_and_the_limit()
    {
        var message = await RefusedAsync(new Dictionary<string, string> { ["X-Token"] = new string('v', WebhookSubscriptionValidatorLimits.MaxValueLength + 1) });

        Assert.Equal("The value of header 'X-Token' is 4097 characters long; a header value may have at most 4096.", message);
    }

    [Theory]
    [InlineData("X Partner", "U+0020 at position 1")]
    [InlineData("X-Partner:", "U+003A at position 9")]
    [InlineData("X-Pärtner", "U+00E4 at position 3")]
    [InlineData("X-(comment)", "U+0028 at position 2")]
    [InlineData("X-Partner\r\nInjected", "U+000D at position 9")]
    public async Task A_name_that_is_not_an_RFC_7230_token_is_refused_naming_the_character(string name, string found)
    {
        var message = await RefusedAsync(new Dictionary<string, string> { [name] = "x" });

        Assert.StartsWith("The header name '", message, StringComparison.Ordinal);
        Assert.Contains($"is not an HTTP token (RFC 7230): it contains {found}; a header name may contain only letters, digits and !#$%&'*+-.^_`|~.", message, StringComparison.Ordinal);
        Assert.DoesNotContain("\r", message, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_token_character_is_accepted_in_a_name()
    {
        const string name = "X-!#$%&'*+-.^_`|~09azAZ";

        var created = await Manager.CreateAsync(Tenant, WithHeaders(new Dictionary<string, string> { [name] = "x" }));

        Assert.Equal("x", created.Headers![name]);
    }

    [Fact]
    public async Task An_empty_or_overlong_name_is_refused()
    {
        Assert.Equal("A custom header name must not be empty.", await RefusedAsync(new Dictionary<string, string> { [""] = "x" }));

        var message = await RefusedAsync(new Dictionary<string, string> { ["X-" + new string('n', 255)] = "x" });
        Assert.Equal($"The header name 'X-{new string('n', 30)}…' is 257 characters long; a header name may have at most 256.", message);
    }

    [Fact]
    public async Task More_than_32_headers_are_refused_with_the_count()
    {
        var headers = Enumerable.Range(1, 33).ToDictionary(i => $"X-H{i}", _ => "x");

        Assert.Equal("A subscription may have at most 32 custom headers; it has 33.", await RefusedAsync(headers));
        var created = await Manager.CreateAsync(Tenant, WithHeaders(headers.Take(32).ToDictionary()));
        Assert.Equal(32, created.Headers!.Count);
    }

    [Fact]
    public async Task An_update_is_held_to_the_same_rules_and_leaves_the_subscription_unchanged()
    {
        var created = await Manager.CreateAsync(Tenant, WithHeaders(new Dictionary<string, string> { ["X-Partner"] = "a" }));

        var exception = await Assert.ThrowsAsync<WebhookValidationException>(async () =>
            await Manager.UpdateAsync(Tenant, created.Id, new WebhookSubscriptionUpdate { Headers = new Dictionary<string, string> { ["X-Partner"] = "café" } }));

        Assert.Equal("Headers", exception.PropertyName);
        Assert.Contains("'X-Partner' contains a non-ASCII character (U+00E9)", exception.Message, StringComparison.Ordinal);
        Assert.Equal("a", (await Manager.GetAsync(Tenant, created.Id))!.Headers!["X-Partner"]);
    }

    /// <summary>The documented limits, restated so a change to them is a deliberate, visible change here too.</summary>
    private static class WebhookSubscriptionValidatorLimits
    {
        public const int MaxValueLength = 4096;
    }
}
