using System.Reflection;
using System.Runtime.ExceptionServices;
using Choreblimey.Webhooks.Testing.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Choreblimey.Webhooks.Tests.Operations;

/// <summary>What <see cref="IWebhookOperations.SendTestAsync"/> does when the store does not take the test attempt at once.</summary>
public sealed class TestSendRecordingTests : IAsyncLifetime
{
    private const string Tenant = "family-test-send";
    private LoopbackReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await LoopbackReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    private static Task<WebhookTestHost> StartAsync(Func<WebhookAttemptRecord, IWebhookStore, ValueTask<bool>> recordAttempt) =>
        WebhookTestHost.StartAsync(webhooks => webhooks
            .AddEvent("chore:created", "Chores")
            .UseStore(_ => RecordInterceptingStore.Wrap(new InMemoryWebhookStore(), recordAttempt)));

    private async Task<WebhookSubscription> SubscribeAsync(WebhookTestHost host) =>
        await host.Subscriptions.CreateAsync(Tenant, new WebhookSubscriptionRequest { Url = _receiver.Url("/hooks").ToString(), EventTypes = ["chore:*"] });

    [Fact]
    public async Task A_test_delivery_moved_on_before_its_attempt_was_recorded_is_settled_under_its_current_token()
    {
        var refusals = 0;
        await using var host = await StartAsync(async (record, inner) =>
        {
            if (record.Attempt.IsTest && Interlocked.Increment(ref refusals) == 1)
            {
                // As a retry by id would between the insert and the record: the fencing token moves on, the store refuses.
                Assert.True(await inner.RequeueDeliveryAsync(Tenant, record.DeliveryId, TimeProvider.System.GetUtcNow().AddDays(365)));
            }

            return await inner.RecordAttemptAsync(record);
        });
        var subscription = await SubscribeAsync(host);

        var result = await host.Services.GetRequiredService<IWebhookOperations>().SendTestAsync(Tenant, subscription.Id);

        Assert.True(result.Succeeded);
        Assert.Equal(2, refusals);
        var details = await host.Services.GetRequiredService<IWebhookOperations>().GetAsync(Tenant, result.DeliveryId);
        Assert.Equal(WebhookDeliveryStatus.Succeeded, details!.Delivery.Status);
        Assert.True(Assert.Single(details.Attempts).IsTest);
    }

    [Fact]
    public async Task A_test_payload_that_cannot_be_sent_is_refused_as_a_payload_error_before_anything_is_sent()
    {
        await using var host = await StartAsync((record, inner) => inner.RecordAttemptAsync(record));
        var subscription = await SubscribeAsync(host);
        var operations = host.Services.GetRequiredService<IWebhookOperations>();
        var cyclic = new Cyclic();
        cyclic.Next = cyclic;

        var unserialisable = await Assert.ThrowsAsync<WebhookPayloadException>(async () => await operations.SendTestAsync(Tenant, subscription.Id, cyclic));
        var tooLarge = await Assert.ThrowsAsync<WebhookPayloadException>(async () => await operations.SendTestAsync(Tenant, subscription.Id, new { Text = new string('x', 300 * 1024) }));
        var tooDeep = await Assert.ThrowsAsync<WebhookPayloadException>(async () => await operations.SendTestAsync(Tenant, subscription.Id, Nested(70)));

        Assert.Contains("The test payload", unserialisable.Message, StringComparison.Ordinal);
        Assert.Contains("cannot be serialised to JSON", unserialisable.Message, StringComparison.Ordinal);
        Assert.Contains("over the limit of 262144 bytes (WebhookOptions.MaxPayloadBytes)", tooLarge.Message, StringComparison.Ordinal);
        Assert.Contains("maximum allowed depth of 63", tooDeep.Message, StringComparison.Ordinal);
        Assert.Empty(_receiver.Received);

        // Within the limit, it is sent.
        Assert.True((await operations.SendTestAsync(Tenant, subscription.Id, Nested(60))).Succeeded);
    }

    [Fact]
    public async Task A_store_that_refuses_the_test_attempt_makes_the_send_fail_with_its_outcome()
    {
        await using var host = await StartAsync((record, inner) => record.Attempt.IsTest ? ValueTask.FromResult(false) : inner.RecordAttemptAsync(record));
        var subscription = await SubscribeAsync(host);
        _receiver.Respond = (_, _) => Task.FromResult(204);

        var error = await Assert.ThrowsAsync<WebhookOperationException>(async () => await host.Services.GetRequiredService<IWebhookOperations>().SendTestAsync(Tenant, subscription.Id));
        Assert.Equal(WebhookOperationError.TestNotRecorded, error.Error);

        var request = Assert.Single(_receiver.Received);
        var delivery = Assert.Single((await host.Store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = Tenant })).Items);
        Assert.StartsWith($"The test event '{request.WebhookId}' was sent to subscription '{subscription.Id}' of tenant '{Tenant}' (Succeeded, status 204), but the store (", error.Message, StringComparison.Ordinal);
        Assert.EndsWith($") refused to record the attempt on test delivery '{delivery.Id}', which is still pending under fencing token 0.", error.Message, StringComparison.Ordinal);

        // The stray test delivery is still no backlog.
        Assert.Equal(new WebhookBacklog(0, null, 0), await host.Store.GetBacklogAsync(TimeProvider.System.GetUtcNow().AddHours(-1)));
    }

    /// <summary>Forwards every store call to an in-memory store, except <see cref="IWebhookStore.RecordAttemptAsync"/>, which the test decides.</summary>
    public class RecordInterceptingStore : DispatchProxy
    {
        private IWebhookStore _inner = null!;
        private Func<WebhookAttemptRecord, IWebhookStore, ValueTask<bool>> _recordAttempt = null!;

        public static IWebhookStore Wrap(IWebhookStore inner, Func<WebhookAttemptRecord, IWebhookStore, ValueTask<bool>> recordAttempt)
        {
            var store = Create<IWebhookStore, RecordInterceptingStore>();
            var proxy = (RecordInterceptingStore)(object)store;
            proxy._inner = inner;
            proxy._recordAttempt = recordAttempt;
            return store;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            ArgumentNullException.ThrowIfNull(targetMethod);
            if (targetMethod.Name == nameof(IWebhookStore.RecordAttemptAsync))
            {
#pragma warning disable CA2012 // Returned to the proxied caller, which awaits it once.
                return _recordAttempt((WebhookAttemptRecord)args![0]!, _inner);
#pragma warning restore CA2012
            }

            try
            {
                return targetMethod.Invoke(_inner, args);
            }
            catch (TargetInvocationException exception) when (exception.InnerException is not null)
            {
                ExceptionDispatchInfo.Capture(exception.InnerException).Throw();
                throw;
            }
        }
    }

    private sealed class Cyclic
    {
        public Cyclic? Next { get; set; }
    }

    private static Dictionary<string, object> Nested(int depth)
    {
        var root = new Dictionary<string, object>();
        var current = root;
        for (var i = 1; i < depth; i++)
        {
            var next = new Dictionary<string, object>();
            current["a"] = next;
            current = next;
        }

        return root;
    }
}
