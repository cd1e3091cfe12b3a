using Choreblimey.Webhooks.Operations.Internal;
using Choreblimey.Webhooks.Testing;
using Microsoft.Extensions.DependencyInjection;

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
}
