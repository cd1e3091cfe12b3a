using Choreblimey.Webhooks.Testing;
using Choreblimey.Webhooks.Testing.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Choreblimey.Webhooks.Tests.Delivery;

/// <summary>
/// A host on a clock that stands still unless a test moves it, so no rate-limit token is refilled and nothing handed back
/// falls due meanwhile, sending to a loopback receiver; with what tests of hand-backs read: a tenant's deliveries, and
/// which of them were handed back unsent.
/// </summary>
public abstract class StandingClockDeliveryTests(string tenant) : IAsyncLifetime
{
    private WebhookTestHost? _host;

    protected string Tenant => tenant;

    protected WebhookTestClock Clock { get; } = new(TestServices.Start);

    /// <summary>Gets what a receiver that holds its requests open waits for; completed at the end of each test.</summary>
    protected TaskCompletionSource Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    protected LoopbackReceiver Receiver { get; private set; } = null!;

    public async Task InitializeAsync() => Receiver = await LoopbackReceiver.StartAsync();

    public async Task DisposeAsync()
    {
        Answer.TrySetResult();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        await Receiver.DisposeAsync();
    }

    protected async Task<WebhookTestHost> StartAsync(string eventType, Action<WebhookOptions>? options = null)
    {
        _host = await WebhookTestHost.StartAsync(
            w => w.AddEvent(eventType, "Tests"),
            s => s.AddSingleton<TimeProvider>(Clock).Configure<WebhookOptions>(o => options?.Invoke(o)));
        return _host;
    }

    protected async Task<IReadOnlyList<WebhookDelivery>> DeliveriesAsync(WebhookTestHost host) =>
        (await host.Store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = tenant })).Items;

    protected bool HandedBackUnsent(WebhookDelivery delivery) =>
        delivery is { Status: WebhookDeliveryStatus.Pending, LeaseOwner: null, AttemptCount: 0 } && delivery.NextAttemptAt > Clock.GetUtcNow();
}
