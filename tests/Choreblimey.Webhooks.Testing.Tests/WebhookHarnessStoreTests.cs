using System.Reflection;
using System.Runtime.ExceptionServices;

namespace Choreblimey.Webhooks.Testing.Tests;

/// <summary>
/// The harness's view of the worker's leases, which its idle check relies on. A claim is outstanding from before it reaches
/// the store: once the store has leased a delivery, its due time is the lease's expiry, and an idle check that saw no lease
/// then would take that expiry for the next retry and move the clock to it.
/// </summary>
public sealed class WebhookHarnessStoreTests
{
    private static readonly DateTimeOffset T0 = new(2026, 6, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_claim_counts_as_an_outstanding_lease_while_the_store_is_still_answering_it()
    {
        var inner = new InMemoryWebhookStore();
        var paused = PausedClaimStore.Wrap(inner, out var control);
        var store = new WebhookHarnessStore(paused);
        var message = new WebhookMessage { Id = "msg_1", TenantId = "family-1", EventType = "chore:created", Timestamp = T0, Data = """{"id":1}"""u8.ToArray() };
        await inner.InsertMessageAsync(message, [new WebhookDelivery { Id = "dlv_1", TenantId = "family-1", MessageId = "msg_1", SubscriptionId = "sub_1", EventType = "chore:created", NextAttemptAt = T0, CreatedAt = T0 }]);

        var claim = store.ClaimDueDeliveriesAsync(new WebhookClaimRequest("worker-1", 10, T0, TimeSpan.FromMinutes(2))).AsTask();
        await control.Claimed.Task.WaitAsync(TimeSpan.FromSeconds(10));

        // The store has leased the delivery (due again at the lease's expiry), but the claim has not returned yet.
        Assert.Equal(T0 + TimeSpan.FromMinutes(2), await inner.GetNextDueTimeAsync());
        Assert.Equal(1, store.OutstandingLeases);

        control.Release.SetResult();
        var lease = Assert.Single(await claim.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(1, store.OutstandingLeases);

        await store.ReleaseLeaseAsync(new WebhookLeaseRelease(lease.Delivery.Id, lease.FencingToken, T0));
        Assert.Equal(0, store.OutstandingLeases);
    }

    [Fact]
    public async Task A_claim_that_finds_nothing_or_fails_leaves_no_outstanding_lease()
    {
        var store = new WebhookHarnessStore(new InMemoryWebhookStore());

        Assert.Empty(await store.ClaimDueDeliveriesAsync(new WebhookClaimRequest("worker-1", 10, T0, TimeSpan.FromMinutes(2))));
        Assert.Equal(0, store.OutstandingLeases);

        await Assert.ThrowsAsync<ArgumentException>(async () => await store.ClaimDueDeliveriesAsync(new WebhookClaimRequest("", 10, T0, TimeSpan.FromMinutes(2))));
        Assert.Equal(0, store.OutstandingLeases);
    }

    [Fact]
    public async Task A_conditional_requeue_is_the_inner_stores_and_a_refused_one_keeps_the_lease_outstanding()
    {
        var harness = new WebhookHarnessStore(new InMemoryWebhookStore());
        IWebhookStore store = harness; // as the library calls it, so a store left with the interface's default is caught
        var message = new WebhookMessage { Id = "msg_1", TenantId = "family-1", EventType = "chore:created", Timestamp = T0, Data = """{"id":1}"""u8.ToArray() };
        await store.InsertMessageAsync(message, [new WebhookDelivery { Id = "dlv_1", TenantId = "family-1", MessageId = "msg_1", SubscriptionId = "sub_1", EventType = "chore:created", NextAttemptAt = T0, CreatedAt = T0 }]);
        Assert.Single(await store.ClaimDueDeliveriesAsync(new WebhookClaimRequest("worker-1", 10, T0, TimeSpan.FromMinutes(2))));

        // Refused under the live lease: the worker still holds it, so the harness is not idle.
        Assert.Equal(WebhookDeliveryRequeueResult.Leased, await store.RequeueDeliveryIfNotLeasedAsync("family-1", "dlv_1", T0.AddMinutes(1)));
        Assert.Equal(1, harness.OutstandingLeases);

        // Once the lease has lapsed the delivery is re-queued and the harness forgets the lease, as after a plain re-queue.
        Assert.Equal(WebhookDeliveryRequeueResult.Requeued, await store.RequeueDeliveryIfNotLeasedAsync("family-1", "dlv_1", T0.AddMinutes(2)));
        Assert.Equal(0, harness.OutstandingLeases);
        Assert.Equal(WebhookDeliveryRequeueResult.NotFound, await store.RequeueDeliveryIfNotLeasedAsync("family-2", "dlv_1", T0.AddMinutes(2)));
    }

    /// <summary>Passes every call to the inner store; a claim, once the inner store has answered it, waits for the test.</summary>
    public class PausedClaimStore : DispatchProxy
    {
        private IWebhookStore _inner = null!;
        private Control _control = null!;

        public static IWebhookStore Wrap(IWebhookStore inner, out Control control)
        {
            var store = Create<IWebhookStore, PausedClaimStore>();
            var proxy = (PausedClaimStore)(object)store;
            proxy._inner = inner;
            proxy._control = control = new Control();
            return store;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            ArgumentNullException.ThrowIfNull(targetMethod);
            if (targetMethod.Name == nameof(IWebhookStore.ClaimDueDeliveriesAsync))
            {
#pragma warning disable CA2012 // Returned to the proxied caller, which awaits it once.
                return ClaimAsync((WebhookClaimRequest)args![0]!, (CancellationToken)args[1]!);
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

        private async ValueTask<IReadOnlyList<WebhookDeliveryLease>> ClaimAsync(WebhookClaimRequest request, CancellationToken cancellationToken)
        {
            var leases = await _inner.ClaimDueDeliveriesAsync(request, cancellationToken);
            _control.Claimed.TrySetResult();
            await _control.Release.Task;
            return leases;
        }

        public sealed class Control
        {
            public TaskCompletionSource Claimed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

            public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }
}
