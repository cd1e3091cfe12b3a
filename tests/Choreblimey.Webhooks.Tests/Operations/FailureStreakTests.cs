using Choreblimey.Webhooks.Operations.Internal;
using Choreblimey.Webhooks.Testing;
using Microsoft.Extensions.DependencyInjection;
using NSubstitute;

namespace Choreblimey.Webhooks.Tests.Operations;

/// <summary>
/// A failure streak disables a subscription only when both limits are reached: the count of consecutive failed attempts
/// <em>and</em> the time it has been failing. Driven through the worker's observer on a fake clock.
/// </summary>
public sealed class FailureStreakTests
{
    private static readonly DateTimeOffset T0 = new(2026, 6, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly WebhookSubscription Subscription = TestServices.Subscription("sub_streak", "family-1", ["chore:*"]);
    private static readonly WebhookDelivery Delivery = new()
    {
        Id = "dlv_streak",
        TenantId = "family-1",
        MessageId = "msg_streak",
        SubscriptionId = "sub_streak",
        EventType = "chore:created",
        Status = WebhookDeliveryStatus.Pending,
        NextAttemptAt = T0,
        CreatedAt = T0,
    };

    private readonly WebhookTestClock _clock = new(T0);

    private ServiceProvider Build() => TestServices.Build(
        webhooks => webhooks.AddEvent("chore:created", "Chores"),
        options =>
        {
            options.Health.DisableAfterConsecutiveFailures = 3;
            options.Health.DisableAfterFailingFor = TimeSpan.FromHours(1);
        },
        _clock);

    private async Task<string?> FailAsync(WebhookDeliveryObserver observer, int attempt) =>
        await observer.OnAttemptRecordedAsync(Delivery, Subscription, new WebhookAttempt
        {
            DeliveryId = Delivery.Id,
            TenantId = Delivery.TenantId,
            AttemptNumber = attempt,
            StartedAt = _clock.GetUtcNow(),
            Duration = TimeSpan.FromMilliseconds(30),
            Outcome = WebhookAttemptOutcome.HttpError,
            StatusCode = 500,
        }, WebhookDeliveryStatus.Pending, CancellationToken.None);

    [Fact]
    public async Task Reaching_the_failure_count_before_the_failing_time_does_not_disable()
    {
        await using var services = Build();
        var observer = services.GetRequiredService<WebhookDeliveryObserver>();

        Assert.Null(await FailAsync(observer, 1));
        _clock.Advance(TimeSpan.FromMinutes(20));
        Assert.Null(await FailAsync(observer, 2));
        _clock.Advance(TimeSpan.FromMinutes(20));
        Assert.Null(await FailAsync(observer, 3));
        _clock.Advance(TimeSpan.FromMinutes(20) - TimeSpan.FromSeconds(1));
        Assert.Null(await FailAsync(observer, 4));

        // The streak was kept: the first failure once it has lasted the full hour disables.
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("5 consecutive failed attempts over 1 hours.", await FailAsync(observer, 5));
    }

    [Fact]
    public async Task Failing_for_longer_than_the_failing_time_with_too_few_failures_does_not_disable()
    {
        await using var services = Build();
        var observer = services.GetRequiredService<WebhookDeliveryObserver>();

        Assert.Null(await FailAsync(observer, 1));
        _clock.Advance(TimeSpan.FromHours(2));
        Assert.Null(await FailAsync(observer, 2));

        // The third failure reaches the count; the time was already over.
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal("3 consecutive failed attempts over 2 hours.", await FailAsync(observer, 3));
    }

    [Fact]
    public async Task A_streak_continues_from_its_stored_start_after_a_restart()
    {
        await using var services = Build();
        await services.GetRequiredService<IWebhookStore>().CreateSubscriptionAsync(Subscription);
        var before = services.GetRequiredService<WebhookDeliveryObserver>();
        Assert.Null(await FailAsync(before, 1));
        Assert.Null(await FailAsync(before, 2));

        // The process restarts (a new observer, nothing in memory) on the same store, an hour later.
        _clock.Advance(TimeSpan.FromHours(1));
        var after = ActivatorUtilities.CreateInstance<WebhookDeliveryObserver>(services);
        Assert.Null(await FailAsync(after, 3));
        Assert.Null(await FailAsync(after, 4));

        // Three failures counted since the restart, failing for an hour since the first one before it.
        Assert.Equal("3 consecutive failed attempts over 1 hours.", await FailAsync(after, 5));
    }

    [Fact]
    public async Task The_first_success_after_a_restart_ends_the_stored_streak()
    {
        await using var services = Build();
        await services.GetRequiredService<IWebhookStore>().CreateSubscriptionAsync(Subscription);
        Assert.Null(await FailAsync(services.GetRequiredService<WebhookDeliveryObserver>(), 1));

        _clock.Advance(TimeSpan.FromHours(2));
        var after = ActivatorUtilities.CreateInstance<WebhookDeliveryObserver>(services);
        Assert.Null(await SucceedAsync(after));
        Assert.Null(await FailAsync(after, 1));
        Assert.Null(await FailAsync(after, 2));

        // Without the success ending it, this third failure would be two hours into the stored streak and disable.
        Assert.Null(await FailAsync(after, 3));
        _clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal("4 consecutive failed attempts over 1 hours.", await FailAsync(after, 4));
    }

    [Fact]
    public async Task A_store_that_cannot_keep_the_streak_leaves_the_count_to_this_process()
    {
        var store = Substitute.For<IWebhookStore>();
#pragma warning disable CA2012 // NSubstitute configures ValueTask-returning calls by invoking them.
        store.StartFailureStreakAsync(Arg.Any<string>(), Arg.Any<DateTimeOffset>(), Arg.Any<CancellationToken>())
            .Returns<ValueTask<DateTimeOffset>>(_ => throw new InvalidOperationException("The database is down."));
#pragma warning restore CA2012
        await using var services = TestServices.Build(
            webhooks => webhooks.AddEvent("chore:created", "Chores").UseStore(_ => store),
            options =>
            {
                options.Health.DisableAfterConsecutiveFailures = 2;
                options.Health.DisableAfterFailingFor = TimeSpan.FromHours(1);
            },
            _clock);
        var observer = services.GetRequiredService<WebhookDeliveryObserver>();

        Assert.Null(await FailAsync(observer, 1));
        _clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal("2 consecutive failed attempts over 1 hours.", await FailAsync(observer, 2));
    }

    [Fact]
    public async Task Past_their_bound_the_marks_of_ended_streaks_are_dropped_and_a_later_success_writes_the_store_again()
    {
        var store = Substitute.For<IWebhookStore>();
        await using var services = TestServices.Build(webhooks => webhooks.AddEvent("chore:created", "Chores").UseStore(_ => store), clock: _clock);
        var observer = services.GetRequiredService<WebhookDeliveryObserver>();
        observer.EndedMarkLimit = 2;
        var first = TestServices.Subscription("sub_first", "family-1", ["chore:*"]);
        var second = TestServices.Subscription("sub_second", "family-1", ["chore:*"]);
        var third = TestServices.Subscription("sub_third", "family-1", ["chore:*"]);

        // Within the bound, a subscription's successes end its stored streak once.
        await SucceedAsync(observer, first);
        await SucceedAsync(observer, first);
        await SucceedAsync(observer, second);
#pragma warning disable CA2012 // NSubstitute checks ValueTask-returning calls by invoking them.
        await store.Received(1).EndFailureStreakAsync(first.Id, Arg.Any<CancellationToken>());
        await store.Received(1).EndFailureStreakAsync(second.Id, Arg.Any<CancellationToken>());
#pragma warning restore CA2012
        Assert.True(observer.Tracks(first.Id));

        // A third mark is past the bound: the others are dropped (a subscription deleted elsewhere would be among them).
        await SucceedAsync(observer, third);
        Assert.False(observer.Tracks(first.Id));
        Assert.False(observer.Tracks(second.Id));
        Assert.True(observer.Tracks(third.Id));

        // Its next success cannot know the store holds no streak, so it ends it again.
        await SucceedAsync(observer, first);
#pragma warning disable CA2012
        await store.Received(2).EndFailureStreakAsync(first.Id, Arg.Any<CancellationToken>());
        await store.Received(1).EndFailureStreakAsync(third.Id, Arg.Any<CancellationToken>());
#pragma warning restore CA2012
    }

    private async Task<string?> SucceedAsync(WebhookDeliveryObserver observer, WebhookSubscription? subscription = null) =>
        await observer.OnAttemptRecordedAsync(Delivery, subscription ?? Subscription, new WebhookAttempt
        {
            DeliveryId = Delivery.Id,
            TenantId = Delivery.TenantId,
            AttemptNumber = 1,
            StartedAt = _clock.GetUtcNow(),
            Duration = TimeSpan.FromMilliseconds(30),
            Outcome = WebhookAttemptOutcome.Succeeded,
            StatusCode = 200,
        }, WebhookDeliveryStatus.Succeeded, CancellationToken.None);
}
