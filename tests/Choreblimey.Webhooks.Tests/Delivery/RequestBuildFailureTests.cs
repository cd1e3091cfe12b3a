using System.Buffers;
using Choreblimey.Webhooks.Testing;
using Choreblimey.Webhooks.Testing.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Choreblimey.Webhooks.Tests.Delivery;

public sealed class RequestBuildFailureTests
{
    private const string Tenant = "family-boom";

    private sealed class ThrowingFormatter : IWebhookEnvelopeFormatter
    {
        public int Calls;

        public string Name => "boom";

        public void Write(IBufferWriter<byte> output, WebhookMessage message)
        {
            Interlocked.Increment(ref Calls);
            throw new InvalidOperationException("The host's formatter cannot shape this payload.");
        }
    }

    [Fact]
    public async Task A_delivery_whose_request_cannot_be_built_is_recorded_not_left_to_lapse_forever()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        var formatter = new ThrowingFormatter();
        // The retry an hour away stays out of the test's way: with the test host's 50 ms retries, a loaded machine could run
        // the second attempt (or hold its lease) before the first one's record was read.
        await using var host = await WebhookTestHost.StartAsync(w => w
            .AddEvent("chore:created", "Chores")
            .AddEnvelopeFormatter(formatter)
            .Configure(o => o.Retry.UseSchedule(TimeSpan.Zero, TimeSpan.FromHours(1))));
        await host.Subscriptions.CreateAsync(Tenant, new WebhookSubscriptionRequest { Url = receiver.Url().ToString(), EventTypes = ["chore:*"], Envelope = "boom" });
        var receipt = await host.Publisher.PublishAsync("chore:created", new { Id = 1 }, tenantId: Tenant);

        // Before the fix nothing was recorded: the delivery stayed leased with no attempt and, each time its lease lapsed,
        // was claimed and failed the same way again, forever, never dead-lettered.
        await WebhookTestHost.EventuallyAsync(
            async () => (await host.Store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = Tenant, MessageId = receipt.EventId })).Items.Single().AttemptCount > 0,
            "the failed build to be recorded as an attempt");

        var delivery = (await host.Store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = Tenant, MessageId = receipt.EventId })).Items.Single();
        Assert.Equal(1, formatter.Calls);
        Assert.Equal(WebhookDeliveryStatus.Pending, delivery.Status);
        Assert.Null(delivery.LeaseOwner);
        Assert.Contains("could not be built", delivery.LastError, StringComparison.Ordinal);
        Assert.Contains("cannot shape this payload", delivery.LastError, StringComparison.Ordinal);
        Assert.Empty(receiver.Received);
    }
}
