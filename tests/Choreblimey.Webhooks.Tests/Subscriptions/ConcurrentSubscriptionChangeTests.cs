using Choreblimey.Webhooks.Subscriptions.Internal;
using Choreblimey.Webhooks.Testing;
using Choreblimey.Webhooks.Tests.Operations;
using Microsoft.Extensions.DependencyInjection;

namespace Choreblimey.Webhooks.Tests.Subscriptions;

/// <summary>
/// Two writers changing one subscription at once (an owner's edit, a pause, a rotation, the worker's automatic disable):
/// each change is written over the version it was read from, so neither silently undoes the other. The clock is frozen, as
/// a test clock often is, so only the stamps the writer moves forward tell the versions apart.
/// </summary>
public sealed class ConcurrentSubscriptionChangeTests
{
    private const string Tenant = "t1";
    private static readonly DateTimeOffset T0 = new(2026, 6, 1, 9, 0, 0, TimeSpan.Zero);
    private readonly WebhookTestClock _clock = new(T0);

    private ServiceProvider Services(HookedStore.Hooks hooks, InMemoryWebhookStore inner) =>
        RoutingServices.Create(webhooks => webhooks.UseStore(_ => HookedStore.Wrap(inner, hooks)), _clock);

    [Fact]
    public async Task A_pause_that_read_the_subscription_before_the_owner_changed_its_url_keeps_the_new_url()
    {
        var manager = new TaskCompletionSource<(IWebhookSubscriptionManager Manager, string Id)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var interleaved = 0;
        var hooks = new HookedStore.Hooks
        {
            // The pause has read the subscription; before it writes, the owner saves a new URL.
            AfterGetSubscription = async _ =>
            {
                if (manager.Task.IsCompleted && Interlocked.Exchange(ref interleaved, 1) == 0)
                {
                    var (owner, id) = await manager.Task;
                    Assert.NotNull(await owner.UpdateAsync(Tenant, id, new WebhookSubscriptionUpdate { Url = "https://fixed.example/hooks" }));
                }
            },
        };
        await using var services = Services(hooks, new InMemoryWebhookStore());
        var subscriptions = services.GetRequiredService<IWebhookSubscriptionManager>();
        var created = await subscriptions.CreateAsync(Tenant, RoutingServices.RequestTo("https://broken.example/hooks", "booking.*"));
        manager.SetResult((subscriptions, created.Id));

        var paused = await subscriptions.PauseAsync(Tenant, created.Id);

        Assert.Equal(1, interleaved);
        Assert.Equal(WebhookSubscriptionState.Paused, paused!.State);
        Assert.Equal("https://fixed.example/hooks", paused.Url.ToString());
        var stored = await subscriptions.GetAsync(Tenant, created.Id);
        Assert.Equal(WebhookSubscriptionState.Paused, stored!.State);
        Assert.Equal("https://fixed.example/hooks", stored.Url.ToString());
        Assert.Equal(T0 + TimeSpan.FromMicroseconds(2), stored.UpdatedAt);
    }

    [Fact]
    public async Task A_configuration_upsert_that_read_the_subscription_before_it_was_paused_keeps_it_paused()
    {
        var inner = new InMemoryWebhookStore();
        var armed = 0;
        var hooks = new HookedStore.Hooks
        {
            // The upsert has read the subscription; before it writes, an operator pauses it.
            AfterGetSubscription = async read =>
            {
                if (read is not null && Interlocked.Exchange(ref armed, 0) == 1)
                {
                    Assert.True(await inner.UpdateSubscriptionAsync(read with { State = WebhookSubscriptionState.Paused, UpdatedAt = read.UpdatedAt + TimeSpan.FromSeconds(1) }));
                }
            },
        };
        await using var services = Services(hooks, inner);
        var manager = (WebhookSubscriptionManager)services.GetRequiredService<IWebhookSubscriptionManager>();
        await manager.UpsertAsync(Tenant, "configured", RoutingServices.RequestTo("https://old.example/hooks", "booking.*"), CancellationToken.None);
        Interlocked.Exchange(ref armed, 1);

        var upserted = await manager.UpsertAsync(Tenant, "configured", RoutingServices.RequestTo("https://new.example/hooks", "booking.*"), CancellationToken.None);

        Assert.Equal(0, armed);
        var stored = await inner.GetSubscriptionAsync(Tenant, "configured");
        Assert.Equal(WebhookSubscriptionState.Paused, stored!.State);
        Assert.Equal("https://new.example/hooks", stored.Url.ToString());
        Assert.Equal(stored, upserted);
    }

    [Fact]
    public async Task A_configuration_upsert_that_keeps_losing_gives_up_after_the_same_number_of_tries()
    {
        var inner = new InMemoryWebhookStore();
        var reads = 0;
        var armed = false;
        var hooks = new HookedStore.Hooks
        {
            AfterGetSubscription = async read =>
            {
                if (armed && read is not null)
                {
                    Interlocked.Increment(ref reads);
                    Assert.True(await inner.UpdateSubscriptionAsync(read with { Description = "other writer", UpdatedAt = read.UpdatedAt + TimeSpan.FromSeconds(1) }));
                }
            },
        };
        await using var services = Services(hooks, inner);
        var manager = (WebhookSubscriptionManager)services.GetRequiredService<IWebhookSubscriptionManager>();
        await manager.UpsertAsync(Tenant, "configured", RoutingServices.RequestTo("https://old.example/hooks", "booking.*"), CancellationToken.None);
        armed = true;

        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await manager.UpsertAsync(Tenant, "configured", RoutingServices.RequestTo("https://new.example/hooks", "booking.*"), CancellationToken.None));

        Assert.Contains("'configured'", error.Message, StringComparison.Ordinal);
        Assert.Equal(WebhookSubscriptionWriter.MaxAttempts, reads);
        Assert.Equal("https://old.example/hooks", (await inner.GetSubscriptionAsync(Tenant, "configured"))!.Url.ToString());
    }

    [Fact]
    public async Task A_change_that_keeps_losing_to_other_writers_gives_up_with_an_error_and_writes_nothing()
    {
        var inner = new InMemoryWebhookStore();
        var hooks = new HookedStore.Hooks
        {
            // Every read is followed by another writer's change.
            AfterGetSubscription = async read =>
            {
                if (read is not null)
                {
                    Assert.True(await inner.UpdateSubscriptionAsync(read with { Description = "other writer", UpdatedAt = read.UpdatedAt + TimeSpan.FromSeconds(1) }));
                }
            },
        };
        await using var services = Services(hooks, inner);
        var subscriptions = services.GetRequiredService<IWebhookSubscriptionManager>();
        var created = await subscriptions.CreateAsync(Tenant, RoutingServices.Request("booking.*"));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () => await subscriptions.PauseAsync(Tenant, created.Id));

        Assert.Contains(created.Id, error.Message, StringComparison.Ordinal);
        Assert.Contains("another writer", error.Message, StringComparison.Ordinal);
        Assert.Equal(WebhookSubscriptionState.Active, (await inner.GetSubscriptionAsync(Tenant, created.Id))!.State);
    }

    [Fact]
    public async Task Changes_under_a_frozen_clock_get_distinct_increasing_stamps()
    {
        await using var services = RoutingServices.Create(timeProvider: _clock);
        var subscriptions = services.GetRequiredService<IWebhookSubscriptionManager>();
        var created = await subscriptions.CreateAsync(Tenant, RoutingServices.Request("booking.*"));

        var paused = await subscriptions.PauseAsync(Tenant, created.Id);
        var resumed = await subscriptions.ResumeAsync(Tenant, created.Id);

        Assert.Equal(T0, created.UpdatedAt);
        Assert.Equal(T0 + TimeSpan.FromMicroseconds(1), paused!.UpdatedAt);
        Assert.Equal(T0 + TimeSpan.FromMicroseconds(2), resumed!.UpdatedAt);
    }

    [Theory]
    [InlineData(0, 10, 10)] // the clock moved on: now
    [InlineData(10, 10, 11)] // frozen: a microsecond after
    [InlineData(10, 5, 11)] // stepped back: a microsecond after
    [InlineData(10, 10.5, 11)] // within the same microsecond: the next one
    [InlineData(10.7, 30.9, 30)] // now, cut to the microsecond a store keeps
    public void The_next_stamp_is_now_or_a_microsecond_after_the_previous_one(double previousMicroseconds, double nowMicroseconds, double expectedMicroseconds)
    {
        static DateTimeOffset At(double microseconds) => T0 + TimeSpan.FromTicks((long)Math.Round(microseconds * TimeSpan.TicksPerMicrosecond));

        Assert.Equal(At(expectedMicroseconds), WebhookSubscriptionWriter.NextUpdatedAt(At(previousMicroseconds), At(nowMicroseconds)));
    }
}
