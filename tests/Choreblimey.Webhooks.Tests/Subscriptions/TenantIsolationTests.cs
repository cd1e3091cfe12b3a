using Microsoft.Extensions.DependencyInjection;

namespace Choreblimey.Webhooks.Tests.Subscriptions;

/// <summary>A call made for tenant B never reads, lists, changes or replays anything of tenant A: to B it is "not found".</summary>
public sealed class TenantIsolationTests : IAsyncLifetime
{
    private const string A = "tenant-a";
    private const string B = "tenant-b";
    private ServiceProvider _services = null!;
    private IWebhookSubscriptionManager _manager = null!;
    private WebhookSubscription _owned = null!;

    public async Task InitializeAsync()
    {
        _services = RoutingServices.Create();
        _manager = _services.GetRequiredService<IWebhookSubscriptionManager>();
        _owned = await _manager.CreateAsync(A, RoutingServices.Request() with { Description = "A's" });
    }

    public async Task DisposeAsync() => await _services.DisposeAsync();

    private async Task AssertUntouchedAsync()
    {
        var current = await _manager.GetAsync(A, _owned.Id);
        Assert.NotNull(current);
        Assert.Equal(_owned.UpdatedAt, current.UpdatedAt);
        Assert.Equal(_owned.Url, current.Url);
        Assert.Equal(WebhookSubscriptionState.Active, current.State);
        Assert.Equal("A's", current.Description);
        Assert.Equal(_owned.Secrets, current.Secrets);
    }

    [Fact]
    public async Task Get_is_not_found_for_another_tenant()
    {
        Assert.Null(await _manager.GetAsync(B, _owned.Id));
        Assert.Null(await _manager.GetAsync(null, _owned.Id));
        Assert.NotNull(await _manager.GetAsync(A, _owned.Id));
    }

    [Fact]
    public async Task List_shows_only_the_callers_subscriptions()
    {
        var mine = await _manager.CreateAsync(B, RoutingServices.Request());

        var page = await _manager.ListAsync(B);
        Assert.Equal([mine.Id], page.Items.Select(s => s.Id));
        Assert.DoesNotContain((await _manager.ListAsync(B, new WebhookSubscriptionQuery { EventType = "booking.created", State = WebhookSubscriptionState.Active })).Items, s => s.Id == _owned.Id);
        Assert.Empty((await _manager.ListAsync("tenant-c")).Items);
    }

    [Fact]
    public async Task Update_is_not_found_and_changes_nothing()
    {
        Assert.Null(await _manager.UpdateAsync(B, _owned.Id, new WebhookSubscriptionUpdate { Url = "https://attacker.example/", Description = "B's" }));
        await AssertUntouchedAsync();
    }

    [Fact]
    public async Task Delete_is_not_found_and_deletes_nothing()
    {
        Assert.False(await _manager.DeleteAsync(B, _owned.Id));
        await AssertUntouchedAsync();
    }

    [Fact]
    public async Task Pause_is_not_found_and_pauses_nothing()
    {
        Assert.Null(await _manager.PauseAsync(B, _owned.Id));
        await AssertUntouchedAsync();
    }

    [Fact]
    public async Task Resume_is_not_found_and_replays_nothing()
    {
        var store = _services.GetRequiredService<IWebhookStore>();
        await _manager.PauseAsync(A, _owned.Id);
        var due = DateTimeOffset.UtcNow.AddHours(1);
        await store.InsertMessageAsync(
            new WebhookMessage { Id = "msg_1", TenantId = A, EventType = "booking.created", Timestamp = DateTimeOffset.UtcNow, Data = "{}"u8.ToArray() },
            [new WebhookDelivery { Id = "dlv_1", TenantId = A, MessageId = "msg_1", SubscriptionId = _owned.Id, EventType = "booking.created", NextAttemptAt = due }]);

        Assert.Null(await _manager.ResumeAsync(B, _owned.Id));

        Assert.Equal(WebhookSubscriptionState.Paused, (await _manager.GetAsync(A, _owned.Id))!.State);
        Assert.Equal(due, (await store.GetDeliveryAsync(A, "dlv_1"))!.NextAttemptAt);
    }

    [Fact]
    public async Task Rotate_secret_is_not_found_and_rotates_nothing()
    {
        Assert.Null(await _manager.RotateSecretAsync(B, _owned.Id, "a-brand-new-shared-secret-of-enough-bytes"));
        await AssertUntouchedAsync();
    }

    [Fact]
    public async Task Create_with_the_same_settings_in_another_tenant_is_separate()
    {
        var other = await _manager.CreateAsync(B, RoutingServices.Request());
        Assert.NotEqual(_owned.Id, other.Id);
        Assert.Equal(B, other.TenantId);
        await AssertUntouchedAsync();
    }
}
