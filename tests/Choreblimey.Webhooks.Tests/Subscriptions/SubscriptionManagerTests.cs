using Choreblimey.Webhooks.Testing;
using Choreblimey.Webhooks.Testing.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Choreblimey.Webhooks.Tests.Subscriptions;

public sealed class SubscriptionManagerTests : IAsyncLifetime
{
    private const string Tenant = "t1";
    private readonly WebhookTestClock _clock = new();
    private ServiceProvider _services = null!;
    private IWebhookSubscriptionManager _manager = null!;

    public Task InitializeAsync()
    {
        _services = RoutingServices.Create(timeProvider: _clock);
        _manager = _services.GetRequiredService<IWebhookSubscriptionManager>();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _services.DisposeAsync();

    [Fact]
    public async Task Resuming_an_active_subscription_leaves_its_waiting_deliveries_when_they_were_due()
    {
        var subscription = await _manager.CreateAsync(Tenant, RoutingServices.Request("booking.*"));
        var receipt = await _services.GetRequiredService<IWebhookPublisher>().PublishAsync("booking.created", new { Id = 1 }, tenantId: Tenant);
        var store = _services.GetRequiredService<IWebhookStore>();
        var lease = Assert.Single(await store.ClaimDueDeliveriesAsync(new WebhookClaimRequest("worker", 10, _clock.GetUtcNow(), TimeSpan.FromMinutes(5))));
        // Waiting out a backoff (or the rate limiter): due in an hour.
        var dueLater = _clock.GetUtcNow() + TimeSpan.FromHours(1);
        Assert.True(await store.ReleaseLeaseAsync(new WebhookLeaseRelease(lease.Delivery.Id, lease.FencingToken, dueLater)));

        var resumed = await _manager.ResumeAsync(Tenant, subscription.Id);

        Assert.Equal(subscription.UpdatedAt, resumed!.UpdatedAt);
        var delivery = Assert.Single((await store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = Tenant, MessageId = receipt.EventId })).Items);
        Assert.Equal(dueLater, delivery.NextAttemptAt);
    }

    [Fact]
    public async Task Pausing_a_paused_subscription_changes_nothing()
    {
        var subscription = await _manager.CreateAsync(Tenant, RoutingServices.Request("booking.*"));
        _clock.Advance(TimeSpan.FromMinutes(1));
        var paused = await _manager.PauseAsync(Tenant, subscription.Id);
        _clock.Advance(TimeSpan.FromMinutes(1));

        var again = await _manager.PauseAsync(Tenant, subscription.Id);

        Assert.Equal(WebhookSubscriptionState.Paused, again!.State);
        Assert.Equal(paused!.UpdatedAt, again.UpdatedAt);
        Assert.Equal(paused.UpdatedAt, (await _manager.GetAsync(Tenant, subscription.Id))!.UpdatedAt);
    }

    [Fact]
    public async Task Update_changes_only_the_given_fields_and_empty_values_clear()
    {
        var created = await _manager.CreateAsync(Tenant, RoutingServices.Request("booking.*") with
        {
            Description = "old",
            Timeout = TimeSpan.FromSeconds(10),
            Headers = new Dictionary<string, string> { ["X-Api-Key"] = "k" },
            RateLimitPerSecond = 5,
        });
        _clock.Advance(TimeSpan.FromMinutes(1));

        var updated = await _manager.UpdateAsync(Tenant, created.Id, new WebhookSubscriptionUpdate
        {
            Url = "https://new.example/hooks",
            Description = "",
            Filters = [new WebhookAttributeFilter("location", WebhookFilterOperator.In, ["leeds", "york"])],
            RateLimitPerSecond = 0,
            SignatureProfile = "github",
            Envelope = "make",
            MaxAttempts = 3,
        });

        Assert.NotNull(updated);
        Assert.Equal(new Uri("https://new.example/hooks"), updated.Url);
        Assert.Null(updated.Description);
        Assert.Null(updated.RateLimitPerSecond);
        Assert.Equal(TimeSpan.FromSeconds(10), updated.Timeout);
        Assert.Equal("k", updated.Headers!["X-Api-Key"]);
        Assert.Equal(["booking.*"], updated.EventPatterns);
        Assert.Equal("github", updated.SignatureProfile);
        Assert.Equal("make", updated.Envelope);
        Assert.Equal(3, updated.MaxAttempts);
        Assert.Single(updated.Filters!);
        Assert.Equal(_clock.GetUtcNow(), updated.UpdatedAt);
        Assert.Equal(updated.Filters, (await _manager.GetAsync(Tenant, created.Id))!.Filters);
    }

    [Theory]
    [InlineData("Url", "ftp://example.com/")]
    [InlineData("Url", "/relative")]
    [InlineData("EventTypes", "booking.createdd")]
    [InlineData("EventTypes", "booking*")]
    [InlineData("Secret", "too-short")]
    [InlineData("Timeout", "61")]
    [InlineData("Timeout", "0.5")]
    [InlineData("Headers", "X-Webhook-Signature")]
    [InlineData("Headers", "Content-Type")]
    [InlineData("Headers", "webhook-signature")]
    [InlineData("Headers", "X-Ok\r\nInjected: 1")]
    [InlineData("RateLimitPerSecond", "-1")]
    [InlineData("RateLimitPerSecond", "1E-12")]
    [InlineData("RateLimitPerSecond", "0.0009")]
    [InlineData("SignatureProfile", "nope")]
    [InlineData("Envelope", "nope")]
    [InlineData("Filters", "stock<=many")]
    [InlineData("Filters", "location=")]
    public async Task Create_rejects_invalid_settings_naming_the_property(string property, string value)
    {
        var request = RoutingServices.Request();
        request = property switch
        {
            "Url" => request with { Url = value },
            "EventTypes" => request with { EventTypes = [value] },
            "Secret" => request with { Secret = value },
            "Timeout" => request with { Timeout = TimeSpan.FromSeconds(double.Parse(value, System.Globalization.CultureInfo.InvariantCulture)) },
            "Headers" when value.Contains('\n') => request with { Headers = new Dictionary<string, string> { ["X-Ok"] = value } },
            "Headers" => request with { Headers = new Dictionary<string, string> { [value] = "x" } },
            "RateLimitPerSecond" => request with { RateLimitPerSecond = double.Parse(value, System.Globalization.CultureInfo.InvariantCulture) },
            "SignatureProfile" => request with { SignatureProfile = value },
            "Envelope" => request with { Envelope = value },
            "Filters" when value.StartsWith("stock", StringComparison.Ordinal) => request with { Filters = [new("stock", WebhookFilterOperator.LessThanOrEqual, ["many"])] },
            _ => request with { Filters = [new("location", WebhookFilterOperator.Equals, [])] },
        };

        var exception = await Assert.ThrowsAsync<WebhookValidationException>(async () => await _manager.CreateAsync(Tenant, request));
        Assert.Equal(property, exception.PropertyName);
        Assert.Empty((await _manager.ListAsync(Tenant)).Items);
    }

    [Fact]
    public async Task An_undeclared_event_name_is_rejected_with_a_suggestion()
    {
        var exception = await Assert.ThrowsAsync<WebhookValidationException>(async () =>
            await _manager.CreateAsync(Tenant, RoutingServices.Request("booking.create")));
        Assert.Contains("booking.created", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Update_validates_like_create_and_keeps_the_stored_version_on_failure()
    {
        var created = await _manager.CreateAsync(Tenant, RoutingServices.Request());
        var exception = await Assert.ThrowsAsync<WebhookValidationException>(async () =>
            await _manager.UpdateAsync(Tenant, created.Id, new WebhookSubscriptionUpdate { Timeout = TimeSpan.FromMinutes(5) }));
        Assert.Equal("Timeout", exception.PropertyName);
        Assert.Null((await _manager.GetAsync(Tenant, created.Id))!.Timeout);
    }

    [Fact]
    public async Task Pause_and_resume_change_the_state_and_list_filters_by_state()
    {
        var first = await _manager.CreateAsync(Tenant, RoutingServices.Request());
        var second = await _manager.CreateAsync(Tenant, RoutingServices.Request("chore:created"));

        Assert.Equal(WebhookSubscriptionState.Paused, (await _manager.PauseAsync(Tenant, first.Id))!.State);
        Assert.Equal([first.Id], (await _manager.ListAsync(Tenant, new WebhookSubscriptionQuery { State = WebhookSubscriptionState.Paused })).Items.Select(s => s.Id));
        Assert.Equal([second.Id], (await _manager.ListAsync(Tenant, new WebhookSubscriptionQuery { EventType = "chore:created", State = WebhookSubscriptionState.Active })).Items.Select(s => s.Id));

        Assert.Equal(WebhookSubscriptionState.Active, (await _manager.ResumeAsync(Tenant, first.Id))!.State);
        Assert.Equal(2, (await _manager.ListAsync(Tenant, new WebhookSubscriptionQuery { State = WebhookSubscriptionState.Active })).Items.Count);
    }

    [Fact]
    public async Task List_pages_through_every_subscription()
    {
        for (var i = 0; i < 5; i++)
        {
            await _manager.CreateAsync(Tenant, RoutingServices.Request());
        }

        var seen = new List<string>();
        string? token = null;
        do
        {
            var page = await _manager.ListAsync(Tenant, new WebhookSubscriptionQuery { Limit = 2, ContinuationToken = token });
            seen.AddRange(page.Items.Select(s => s.Id));
            token = page.ContinuationToken;
        }
        while (token is not null);

        Assert.Equal(5, seen.Distinct().Count());
    }

    [Fact]
    public async Task Rotation_keeps_the_old_secret_for_the_window_and_prunes_it_on_the_next_change()
    {
        var created = await _manager.CreateAsync(Tenant, RoutingServices.Request() with { Secret = "the-original-secret-of-24-bytes+" });

        var rotated = await _manager.RotateSecretAsync(Tenant, created.Id, "the-replacement-secret-of-24-bytes");

        Assert.NotNull(rotated);
        Assert.Equal(2, rotated.Secrets.Count);
        Assert.Null(rotated.Secrets[0].ExpiresAt);
        Assert.Equal(WebhookSecret.Parse("the-replacement-secret-of-24-bytes"), rotated.Secrets[0].Secret);
        Assert.Equal(_clock.GetUtcNow() + TimeSpan.FromHours(24), rotated.Secrets[1].ExpiresAt);

        _clock.Advance(TimeSpan.FromHours(25));
        var updated = await _manager.UpdateAsync(Tenant, created.Id, new WebhookSubscriptionUpdate());
        Assert.Single(updated!.Secrets);

        var immediate = await _manager.RotateSecretAsync(Tenant, created.Id, window: TimeSpan.Zero);
        Assert.Single(immediate!.Secrets);
        Assert.NotEqual(updated.Secrets[0].Secret, immediate.Secrets[0].Secret);

        var invalid = await Assert.ThrowsAsync<WebhookValidationException>(async () => await _manager.RotateSecretAsync(Tenant, created.Id, "short"));
        Assert.Equal("Secret", invalid.PropertyName);
    }
}
