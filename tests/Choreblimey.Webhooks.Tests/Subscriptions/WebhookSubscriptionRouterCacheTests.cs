using Choreblimey.Webhooks.Subscriptions.Internal;
using Choreblimey.Webhooks.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NSubstitute;

namespace Choreblimey.Webhooks.Tests.Subscriptions;

#pragma warning disable CA2012 // NSubstitute configures ValueTask-returning members by calling them.
public sealed class WebhookSubscriptionRouterCacheTests
{
    private static WebhookSubscription Subscription(WebhookSubscriptionState state) => new()
    {
        Id = "sub_1",
        TenantId = "t",
        Url = new Uri("https://receiver.example/hooks"),
        EventPatterns = ["*"],
        Secrets = [new WebhookSigningSecret(WebhookSecret.Generate())],
        State = state,
    };

    [Fact]
    public async Task A_load_that_began_before_a_change_does_not_put_stale_subscriptions_back_into_the_cache()
    {
        var store = Substitute.For<IWebhookStore>();
        var staleRead = new TaskCompletionSource<IReadOnlyList<WebhookSubscription>>(TaskCreationOptions.RunContinuationsAsynchronously);
        store.GetSubscriptionVersionAsync(Arg.Any<CancellationToken>()).Returns(new ValueTask<long>(1), new ValueTask<long>(2));
        store.GetTenantSubscriptionsAsync("t", Arg.Any<CancellationToken>()).Returns(
            new ValueTask<IReadOnlyList<WebhookSubscription>>(staleRead.Task),
            new ValueTask<IReadOnlyList<WebhookSubscription>>([Subscription(WebhookSubscriptionState.Active)]));
        var router = new WebhookSubscriptionRouter(store, new WebhookTestClock(), Options(new WebhookOptions()));

        // A read starts while the subscription is still disabled, then the subscription is enabled (and the cache invalidated)
        // before that read returns.
        var inFlight = router.GetSubscriptionAsync("t", "sub_1", CancellationToken.None).AsTask();
        router.Invalidate("t");
        staleRead.SetResult([Subscription(WebhookSubscriptionState.Disabled)]);
        Assert.Equal(WebhookSubscriptionState.Disabled, (await inFlight)!.State);

        var after = await router.GetSubscriptionAsync("t", "sub_1", CancellationToken.None);

        Assert.Equal(WebhookSubscriptionState.Active, after!.State);
        await store.Received(2).GetTenantSubscriptionsAsync("t", Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Repeated_publishes_for_a_tenant_read_its_subscriptions_from_the_store_once_within_the_cache_duration()
    {
        var clock = new WebhookTestClock();
        var store = Counting(new InMemoryWebhookStore());
        await using var services = RoutingServices.Create(b => b.UseStore(_ => store), clock);
        await services.GetRequiredService<IWebhookSubscriptionManager>().CreateAsync("t", RoutingServices.Request("booking.created"));
        var publisher = services.GetRequiredService<IWebhookPublisher>();
        var cacheDuration = services.GetRequiredService<IOptions<WebhookOptions>>().Value.SubscriptionCacheDuration;
        store.ClearReceivedCalls();

        for (var i = 0; i < 25; i++)
        {
            Assert.Equal(1, (await publisher.PublishAsync("booking.created", new { N = i }, tenantId: "t")).DeliveryCount);
        }

        // Just inside the cache duration the entry is still trusted: no store read at all, not even the version.
        clock.Advance(cacheDuration - TimeSpan.FromTicks(1));
        Assert.Equal(1, (await publisher.PublishAsync("booking.created", new { N = 25 }, tenantId: "t")).DeliveryCount);

        await store.Received(26).InsertMessageAsync(Arg.Any<WebhookMessage>(), Arg.Any<IReadOnlyList<WebhookDelivery>>(), Arg.Any<CancellationToken>());
        // Once for the tenant and once for the host-level endpoints every tenant's events also go to.
        await store.Received(1).GetTenantSubscriptionsAsync("t", Arg.Any<CancellationToken>());
        await store.Received(1).GetTenantSubscriptionsAsync(WebhookTenants.All, Arg.Any<CancellationToken>());
        await store.Received(2).GetTenantSubscriptionsAsync(Arg.Any<string>(), Arg.Any<CancellationToken>());
        await store.Received(2).GetSubscriptionVersionAsync(Arg.Any<CancellationToken>());

        // Past the duration with nothing changed anywhere, a version read re-arms the entry without reloading the subscriptions.
        clock.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(1, (await publisher.PublishAsync("booking.created", new { N = 26 }, tenantId: "t")).DeliveryCount);
        await store.Received(2).GetTenantSubscriptionsAsync(Arg.Any<string>(), Arg.Any<CancellationToken>());
        await store.Received(4).GetSubscriptionVersionAsync(Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task A_change_another_instance_writes_to_the_shared_store_is_seen_after_the_cache_duration_and_not_before()
    {
        var clock = new WebhookTestClock();
        var shared = new InMemoryWebhookStore();
        await using var instanceA = RoutingServices.Create(b => b.UseStore(_ => shared), clock);
        await using var instanceB = RoutingServices.Create(b => b.UseStore(_ => shared), clock);
        var publisherA = instanceA.GetRequiredService<IWebhookPublisher>();
        var cacheDuration = instanceA.GetRequiredService<IOptions<WebhookOptions>>().Value.SubscriptionCacheDuration;
        var existing = await instanceA.GetRequiredService<IWebhookSubscriptionManager>().CreateAsync("t", RoutingServices.Request("booking.created"));
        Assert.Equal(1, (await publisherA.PublishAsync("booking.created", new { N = 0 }, tenantId: "t")).DeliveryCount);

        // Instance B adds a subscription: B's own cache is invalidated, A's is not.
        await instanceB.GetRequiredService<IWebhookSubscriptionManager>().CreateAsync("t", RoutingServices.Request("booking.*"));

        Assert.Equal(1, (await publisherA.PublishAsync("booking.created", new { N = 1 }, tenantId: "t")).DeliveryCount);
        clock.Advance(cacheDuration - TimeSpan.FromTicks(1));
        Assert.Equal(1, (await publisherA.PublishAsync("booking.created", new { N = 2 }, tenantId: "t")).DeliveryCount);
        clock.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(2, (await publisherA.PublishAsync("booking.created", new { N = 3 }, tenantId: "t")).DeliveryCount);

        // A change written straight to the store (pausing the first subscription) follows the same rule.
        Assert.True(await shared.UpdateSubscriptionAsync(existing with { State = WebhookSubscriptionState.Paused, UpdatedAt = clock.GetUtcNow() }));
        clock.Advance(cacheDuration - TimeSpan.FromTicks(1));
        Assert.Equal(2, (await publisherA.PublishAsync("booking.created", new { N = 4 }, tenantId: "t")).DeliveryCount);
        clock.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(1, (await publisherA.PublishAsync("booking.created", new { N = 5 }, tenantId: "t")).DeliveryCount);
    }

    [Fact]
    public async Task Callers_that_find_a_tenant_uncached_at_the_same_time_share_one_store_read()
    {
        var store = Substitute.For<IWebhookStore>();
        var read = new TaskCompletionSource<IReadOnlyList<WebhookSubscription>>(TaskCreationOptions.RunContinuationsAsynchronously);
        store.GetSubscriptionVersionAsync(Arg.Any<CancellationToken>()).Returns(new ValueTask<long>(1));
        store.GetTenantSubscriptionsAsync("t", Arg.Any<CancellationToken>()).Returns(new ValueTask<IReadOnlyList<WebhookSubscription>>(read.Task));
        var router = new WebhookSubscriptionRouter(store, new WebhookTestClock(), Options(new WebhookOptions()));

        var callers = Enumerable.Range(0, 20).Select(_ => router.GetSubscriptionAsync("t", "sub_1", CancellationToken.None).AsTask()).ToArray();
        Assert.All(callers, c => Assert.False(c.IsCompleted));
        read.SetResult([Subscription(WebhookSubscriptionState.Active)]);

        Assert.All(await Task.WhenAll(callers), s => Assert.Equal("sub_1", s!.Id));
        await store.Received(1).GetTenantSubscriptionsAsync("t", Arg.Any<CancellationToken>());
        await store.Received(1).GetSubscriptionVersionAsync(Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Callers_that_find_an_entry_stale_at_the_same_time_share_one_version_read()
    {
        var clock = new WebhookTestClock();
        var store = Substitute.For<IWebhookStore>();
        var versionCheck = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        store.GetSubscriptionVersionAsync(Arg.Any<CancellationToken>()).Returns(new ValueTask<long>(1), new ValueTask<long>(versionCheck.Task));
        store.GetTenantSubscriptionsAsync("t", Arg.Any<CancellationToken>())
            .Returns(new ValueTask<IReadOnlyList<WebhookSubscription>>([Subscription(WebhookSubscriptionState.Active)]));
        var options = new WebhookOptions();
        var router = new WebhookSubscriptionRouter(store, clock, Options(options));
        Assert.NotNull(await router.GetSubscriptionAsync("t", "sub_1", CancellationToken.None));

        clock.Advance(options.SubscriptionCacheDuration);
        var callers = Enumerable.Range(0, 20).Select(_ => router.GetSubscriptionAsync("t", "sub_1", CancellationToken.None).AsTask()).ToArray();
        versionCheck.SetResult(1);

        Assert.All(await Task.WhenAll(callers), s => Assert.Equal("sub_1", s!.Id));
        await store.Received(2).GetSubscriptionVersionAsync(Arg.Any<CancellationToken>());
        await store.Received(1).GetTenantSubscriptionsAsync("t", Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Revalidation_reloads_a_tenant_cached_at_an_older_version_and_reads_the_version_at_most_once_per_interval()
    {
        var clock = new WebhookTestClock();
        var store = Substitute.For<IWebhookStore>();
        store.GetSubscriptionVersionAsync(Arg.Any<CancellationToken>()).Returns(new ValueTask<long>(1), new ValueTask<long>(2));
        store.GetTenantSubscriptionsAsync("t", Arg.Any<CancellationToken>()).Returns(
            new ValueTask<IReadOnlyList<WebhookSubscription>>([Subscription(WebhookSubscriptionState.Active)]),
            new ValueTask<IReadOnlyList<WebhookSubscription>>([Subscription(WebhookSubscriptionState.Paused)]));
        var router = new WebhookSubscriptionRouter(store, clock, Options(new WebhookOptions()));
        Assert.Equal(WebhookSubscriptionState.Active, (await router.GetSubscriptionAsync("t", "sub_1", CancellationToken.None))!.State);

        // Another instance pauses it: well within the 5 s the cache is trusted, the worker's revalidation sees it.
        clock.Advance(TimeSpan.FromMilliseconds(150));
        await router.RevalidateAsync(TimeSpan.FromMilliseconds(100), CancellationToken.None);
        await router.RevalidateAsync(TimeSpan.FromMilliseconds(100), CancellationToken.None);

        Assert.Equal(WebhookSubscriptionState.Paused, (await router.GetSubscriptionAsync("t", "sub_1", CancellationToken.None))!.State);
        await store.Received(4).GetSubscriptionVersionAsync(Arg.Any<CancellationToken>());   // the load, one revalidation (not two), the reload's check and read
    }

    [Fact]
    public async Task After_a_revalidation_callers_do_not_join_a_load_that_began_before_the_change()
    {
        var clock = new WebhookTestClock();
        var store = Substitute.For<IWebhookStore>();
        var staleRead = new TaskCompletionSource<IReadOnlyList<WebhookSubscription>>(TaskCreationOptions.RunContinuationsAsynchronously);
        store.GetSubscriptionVersionAsync(Arg.Any<CancellationToken>()).Returns(new ValueTask<long>(1), new ValueTask<long>(2));
        store.GetTenantSubscriptionsAsync("t", Arg.Any<CancellationToken>()).Returns(
            new ValueTask<IReadOnlyList<WebhookSubscription>>(staleRead.Task),
            new ValueTask<IReadOnlyList<WebhookSubscription>>([Subscription(WebhookSubscriptionState.Active)]));
        var router = new WebhookSubscriptionRouter(store, clock, Options(new WebhookOptions()));

        // A load reads the store while the subscription is disabled; another instance then enables it, and the worker's
        // revalidation sees the new version while that load is still in flight.
        var inFlight = router.GetSubscriptionAsync("t", "sub_1", CancellationToken.None).AsTask();
        clock.Advance(TimeSpan.FromMilliseconds(150));
        await router.RevalidateAsync(TimeSpan.FromMilliseconds(100), CancellationToken.None);
        var after = router.GetSubscriptionAsync("t", "sub_1", CancellationToken.None).AsTask();
        staleRead.SetResult([Subscription(WebhookSubscriptionState.Disabled)]);

        Assert.Equal(WebhookSubscriptionState.Disabled, (await inFlight)!.State);
        Assert.Equal(WebhookSubscriptionState.Active, (await after)!.State);
        Assert.Equal(WebhookSubscriptionState.Active, (await router.GetSubscriptionAsync("t", "sub_1", CancellationToken.None))!.State);
    }

    [Fact]
    public async Task A_caller_that_gives_up_does_not_cancel_the_read_other_callers_wait_for()
    {
        var store = Substitute.For<IWebhookStore>();
        var read = new TaskCompletionSource<IReadOnlyList<WebhookSubscription>>(TaskCreationOptions.RunContinuationsAsynchronously);
        store.GetSubscriptionVersionAsync(Arg.Any<CancellationToken>()).Returns(new ValueTask<long>(1));
        store.GetTenantSubscriptionsAsync("t", Arg.Any<CancellationToken>()).Returns(new ValueTask<IReadOnlyList<WebhookSubscription>>(read.Task));
        var router = new WebhookSubscriptionRouter(store, new WebhookTestClock(), Options(new WebhookOptions()));
        using var giveUp = new CancellationTokenSource();

        var impatient = router.GetSubscriptionAsync("t", "sub_1", giveUp.Token).AsTask();
        var patient = router.GetSubscriptionAsync("t", "sub_1", CancellationToken.None).AsTask();
        await giveUp.CancelAsync();

        // Bounded, so that a read tied to the first caller's token fails here instead of hanging the run.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => impatient.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.False(patient.IsCompleted);
        read.SetResult([Subscription(WebhookSubscriptionState.Active)]);
        Assert.Equal("sub_1", (await patient)!.Id);
        await store.Received(1).GetTenantSubscriptionsAsync("t", Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task A_failed_read_reaches_every_caller_waiting_for_it_and_the_next_call_reads_again()
    {
        var store = Substitute.For<IWebhookStore>();
        var failing = new TaskCompletionSource<IReadOnlyList<WebhookSubscription>>(TaskCreationOptions.RunContinuationsAsynchronously);
        store.GetSubscriptionVersionAsync(Arg.Any<CancellationToken>()).Returns(new ValueTask<long>(1));
        store.GetTenantSubscriptionsAsync("t", Arg.Any<CancellationToken>()).Returns(
            new ValueTask<IReadOnlyList<WebhookSubscription>>(failing.Task),
            new ValueTask<IReadOnlyList<WebhookSubscription>>([Subscription(WebhookSubscriptionState.Active)]));
        var router = new WebhookSubscriptionRouter(store, new WebhookTestClock(), Options(new WebhookOptions()));

        var first = router.GetSubscriptionAsync("t", "sub_1", CancellationToken.None).AsTask();
        var second = router.GetSubscriptionAsync("t", "sub_1", CancellationToken.None).AsTask();
        failing.SetException(new InvalidOperationException("store unavailable"));

        Assert.Equal("store unavailable", (await Assert.ThrowsAsync<InvalidOperationException>(() => first)).Message);
        Assert.Equal("store unavailable", (await Assert.ThrowsAsync<InvalidOperationException>(() => second)).Message);
        Assert.Equal("sub_1", (await router.GetSubscriptionAsync("t", "sub_1", CancellationToken.None))!.Id);
        await store.Received(2).GetTenantSubscriptionsAsync("t", Arg.Any<CancellationToken>());
    }

    /// <summary>A substitute that forwards the calls publishing makes to a real store, so they can be counted.</summary>
    private static IWebhookStore Counting(InMemoryWebhookStore inner)
    {
        var store = Substitute.For<IWebhookStore>();
        store.GetSubscriptionVersionAsync(Arg.Any<CancellationToken>()).Returns(c => inner.GetSubscriptionVersionAsync(c.Arg<CancellationToken>()));
        store.GetTenantSubscriptionsAsync(Arg.Any<string>(), Arg.Any<CancellationToken>())
            .Returns(c => inner.GetTenantSubscriptionsAsync(c.Arg<string>(), c.Arg<CancellationToken>()));
        store.GetSubscriptionAsync(Arg.Any<string>(), Arg.Any<string>(), Arg.Any<CancellationToken>())
            .Returns(c => inner.GetSubscriptionAsync(c.ArgAt<string>(0), c.ArgAt<string>(1), c.Arg<CancellationToken>()));
        store.CreateSubscriptionAsync(Arg.Any<WebhookSubscription>(), Arg.Any<CancellationToken>())
            .Returns(c => inner.CreateSubscriptionAsync(c.Arg<WebhookSubscription>(), c.Arg<CancellationToken>()));
        store.InsertMessageAsync(Arg.Any<WebhookMessage>(), Arg.Any<IReadOnlyList<WebhookDelivery>>(), Arg.Any<CancellationToken>())
            .Returns(c => inner.InsertMessageAsync(c.Arg<WebhookMessage>(), c.Arg<IReadOnlyList<WebhookDelivery>>(), c.Arg<CancellationToken>()));
        return store;
    }

    private static IOptionsMonitor<WebhookOptions> Options(WebhookOptions value)
    {
        var monitor = Substitute.For<IOptionsMonitor<WebhookOptions>>();
        monitor.CurrentValue.Returns(value);
        return monitor;
    }
}
