using System.Globalization;
using System.Text;
using Choreblimey.Webhooks.Delivery.Internal;
using Microsoft.Extensions.Hosting;

namespace Choreblimey.Webhooks.Testing;

/// <summary>The harness behind <see cref="IWebhookTestHarness"/>.</summary>
internal sealed class WebhookTestHarness(
    WebhookHarnessStore store,
    WebhookTestReceiver receiver,
    IWebhookSubscriptionManager subscriptions,
    TimeProvider timeProvider,
    WebhookWorkerSignal workerSignal,
    WebhookTestHarnessOptions options,
    IHostApplicationLifetime? lifetime) : IWebhookTestHarness
{
    private static readonly TimeSpan PollDelay = TimeSpan.FromMilliseconds(5);
    private int _subscriptionCount;

    public WebhookTestClock? Clock => options.UseTestClock ? timeProvider as WebhookTestClock : null;

    public WebhookTestReceiver Receiver => receiver;

    public IReadOnlyList<WebhookPublishedEvent> Published => store.Published;

    public IReadOnlyList<WebhookTestDelivery> Deliveries => store.Deliveries;

    public ValueTask<WebhookSubscription> SubscribeAsync(string? tenantId, params string[] eventTypes) =>
        SubscribeAsync(tenantId, (IReadOnlyList<string>)eventTypes, CancellationToken.None);

    public async ValueTask<WebhookSubscription> SubscribeAsync(string? tenantId, IReadOnlyList<string> eventTypes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(eventTypes);
        var n = Interlocked.Increment(ref _subscriptionCount);
        return await subscriptions.CreateAsync(
            tenantId,
            new WebhookSubscriptionRequest
            {
                Url = string.Create(CultureInfo.InvariantCulture, $"https://receiver.test/webhooks/{n}"),
                EventTypes = eventTypes,
            },
            cancellationToken).ConfigureAwait(false);
    }

    public Task<WebhookPublishedEvent> PublishedAsync(string eventType, string? tenantId = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(eventType);
        var what = $"an event '{eventType}' to be published" + (tenantId is null ? string.Empty : $" for tenant '{tenantId}'");
        return WaitForAsync(
            () => store.Published.FirstOrDefault(e => e.EventType == eventType && (tenantId is null || (e.TenantId ?? WebhookTenants.Default) == tenantId)),
            what,
            () => Describe("published event", "published events", store.Published),
            timeout,
            cancellationToken);
    }

    public Task<WebhookTestDelivery> DeliveredToAsync(string subscriptionId, string? eventType = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscriptionId);
        var what = $"a delivery{(eventType is null ? string.Empty : $" of '{eventType}'")} to subscription '{subscriptionId}' to succeed";
        return WaitForAsync(
            () => store.Deliveries.FirstOrDefault(d => d.Status == WebhookDeliveryStatus.Succeeded && d.SubscriptionId == subscriptionId && (eventType is null || d.EventType == eventType)),
            what,
            DescribeDeliveries,
            timeout,
            cancellationToken);
    }

    public Task<WebhookTestDelivery> DeadLetteredAsync(string? subscriptionId = null, string? eventType = null, int? attempts = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var what = "a delivery"
            + (eventType is null ? string.Empty : $" of '{eventType}'")
            + (subscriptionId is null ? string.Empty : $" to subscription '{subscriptionId}'")
            + " to be dead-lettered"
            + (attempts is null ? string.Empty : string.Create(CultureInfo.InvariantCulture, $" after {attempts} attempt(s)"));
        return WaitForAsync(
            () => store.Deliveries.FirstOrDefault(d =>
                d.Status == WebhookDeliveryStatus.DeadLettered
                && (subscriptionId is null || d.SubscriptionId == subscriptionId)
                && (eventType is null || d.EventType == eventType)
                && (attempts is null || d.Attempts.Count == attempts)),
            what,
            DescribeDeliveries,
            timeout,
            cancellationToken);
    }

    public async Task WaitForIdleAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var limit = timeout ?? options.Timeout;
        var started = TimeProvider.System.GetTimestamp();
        while (true)
        {
            if (store.OutstandingLeases == 0 && receiver.InFlightCount == 0)
            {
                var next = await store.GetNextDueTimeAsync(cancellationToken).ConfigureAwait(false);
                if (next is null || next > timeProvider.GetUtcNow())
                {
                    // Re-check: a claim may have happened between the two reads.
                    if (store.OutstandingLeases == 0)
                    {
                        return;
                    }
                }
                else
                {
                    // Work is due but nothing is leased: it was made due without waking the worker (a store-level
                    // requeue), and the worker sleeps on the test clock. Wake it.
                    workerSignal.Notify();
                }
            }

            if (TimeProvider.System.GetElapsedTime(started) > limit)
            {
                throw new WebhookAssertionException(
                    string.Create(CultureInfo.InvariantCulture, $"The webhook worker did not become idle within {limit.TotalSeconds:0.###} s (leases held: {store.OutstandingLeases}, requests in flight: {receiver.InFlightCount}).{NotStartedHint()}\n")
                    + DescribeDeliveries());
            }

            await Task.Delay(PollDelay, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<DateTimeOffset?> AdvanceToNextDueAsync(CancellationToken cancellationToken = default)
    {
        var clock = Clock ?? throw new InvalidOperationException("The harness has no test clock (WebhookTestHarnessOptions.UseTestClock is off).");
        await WaitForIdleAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var next = await store.GetNextDueTimeAsync(cancellationToken).ConfigureAwait(false);
        if (next is not { } due)
        {
            return null;
        }

        var now = clock.GetUtcNow();
        clock.SetUtcNow(due > now ? due : now);
        return clock.GetUtcNow();
    }

    private async Task<T> WaitForAsync<T>(Func<T?> find, string what, Func<string> seen, TimeSpan? timeout, CancellationToken cancellationToken)
        where T : class
    {
        var limit = timeout ?? options.Timeout;
        var started = TimeProvider.System.GetTimestamp();
        while (true)
        {
            if (find() is { } found)
            {
                return found;
            }

            await NudgeIfStalledAsync(cancellationToken).ConfigureAwait(false);

            if (TimeProvider.System.GetElapsedTime(started) > limit)
            {
                throw new WebhookAssertionException(
                    string.Create(CultureInfo.InvariantCulture, $"Expected {what} within {limit.TotalSeconds:0.###} s, but it did not happen.{NotStartedHint()}\n") + seen());
            }

            await Task.Delay(PollDelay, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task NudgeIfStalledAsync(CancellationToken cancellationToken)
    {
        // Work due now with nothing leased means the worker was not woken for it; on a test clock it would sleep forever.
        if (store.OutstandingLeases == 0 && await store.GetNextDueTimeAsync(cancellationToken).ConfigureAwait(false) is { } due && due <= timeProvider.GetUtcNow())
        {
            workerSignal.Notify();
        }
    }

    private string DescribeDeliveries()
    {
        var next = store.Inner.GetNextDueTimeAsync().AsTask().GetAwaiter().GetResult();
        var now = timeProvider.GetUtcNow();
        // A retry waits for the test clock: a test that never moves it waits for ever, and should be told so.
        var advance = next > now && timeProvider is WebhookTestClock
            ? string.Create(CultureInfo.InvariantCulture, $" The next attempt is due {(next.Value - now).TotalSeconds:0.###} s ahead of the test clock, which only moves when the test moves it: call harness.AdvanceToNextDueAsync() (or Clock.Advance) before waiting.")
            : string.Empty;
        return Describe("delivery", "deliveries", store.Deliveries) + "\n" + Describe("published event", "published events", store.Published)
            + string.Create(CultureInfo.InvariantCulture, $"\nClock: {now:O}; next due: {next?.ToString("O", CultureInfo.InvariantCulture) ?? "nothing pending"}; leases held: {store.OutstandingLeases}.{advance}");
    }

    /// <summary>Says why nothing moves when the host was never started: the delivery worker is one of its hosted services.</summary>
    private string NotStartedHint() => lifetime is { ApplicationStarted.IsCancellationRequested: true }
        ? string.Empty
        : " The host has not been started (await host.StartAsync(), or create a client from the WebApplicationFactory), so the delivery worker is not running.";

    private static string Describe<T>(string singular, string plural, IReadOnlyList<T> items)
    {
        if (items.Count == 0)
        {
            return $"No {plural} were seen.";
        }

        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"Seen {items.Count} {(items.Count == 1 ? singular : plural)}:");
        foreach (var item in items.Take(50))
        {
            text.Append("\n  - ").Append(item);
        }

        if (items.Count > 50)
        {
            text.Append("\n  - …");
        }

        return text.ToString();
    }
}
