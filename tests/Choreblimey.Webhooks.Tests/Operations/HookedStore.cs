using System.Reflection;
using System.Runtime.ExceptionServices;

namespace Choreblimey.Webhooks.Tests.Operations;

/// <summary>Forwards every store call to the inner store, awaiting the test's hook first where one is set.</summary>
public class HookedStore : DispatchProxy
{
    private IWebhookStore _inner = null!;
    private Hooks _hooks = null!;

    public static IWebhookStore Wrap(IWebhookStore inner, Hooks hooks)
    {
        var store = Create<IWebhookStore, HookedStore>();
        var proxy = (HookedStore)(object)store;
        proxy._inner = inner;
        proxy._hooks = hooks;
        return store;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        ArgumentNullException.ThrowIfNull(args);
#pragma warning disable CA2012 // Returned to the proxied caller, which awaits it once.
        if (targetMethod.Name == nameof(IWebhookStore.GetSubscriptionAsync) && _hooks.AfterGetSubscription is not null)
        {
            return GetSubscriptionAsync((string)args[0]!, (string)args[1]!, (CancellationToken)args[2]!);
        }

        if (targetMethod.Name == nameof(IWebhookStore.ClaimDueDeliveriesAsync) && _hooks.ClaimsAllowed is { } allowed && !allowed())
        {
            return ValueTask.FromResult<IReadOnlyList<WebhookDeliveryLease>>([]);
        }

        if (targetMethod.Name == nameof(IWebhookStore.GetDeliveryAsync) && _hooks.AfterGetDelivery is not null)
        {
            return GetDeliveryAsync((string)args[0]!, (string)args[1]!, (CancellationToken)args[2]!);
        }

        if (targetMethod.Name == nameof(IWebhookStore.ReleaseLeaseAsync) && (_hooks.BeforeRelease is not null || _hooks.AfterRelease is not null))
        {
            return ReleaseAsync((WebhookLeaseRelease)args[0]!, (CancellationToken)args[1]!);
        }

        if (targetMethod.Name == nameof(IWebhookStore.RequeueDeliveriesAsync) && _hooks.BulkRequeueUnsupported)
        {
            // What the interface's default member does for a store that does not implement it.
            return ValueTask.FromException<int>(new NotSupportedException("This store does not re-queue in bulk."));
        }

        if (targetMethod.Name == nameof(IWebhookStore.RequeueDeliveryIfNotLeasedAsync) && _hooks.ConditionalRequeueUnsupported)
        {
            // What the interface's default member does for a store that does not implement it.
            return ValueTask.FromException<WebhookDeliveryRequeueResult>(new NotSupportedException("This store does not re-queue conditionally."));
        }

        if (targetMethod.Name == nameof(IWebhookStore.RequeueDeliveriesAsync) && (_hooks.BeforeRequeueMany is not null || _hooks.AfterRequeue is not null))
        {
            return RequeueManyAsync((WebhookRequeueRequest)args[0]!, (CancellationToken)args[1]!);
        }

        if (targetMethod.Name == nameof(IWebhookStore.RequeueDeliveryAsync) && (_hooks.BeforeRequeueOne is not null || _hooks.AfterRequeue is not null))
        {
            return RequeueOneAsync((string)args[0]!, (string)args[1]!, (DateTimeOffset)args[2]!, (CancellationToken)args[3]!);
        }
#pragma warning restore CA2012

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

    private async ValueTask<WebhookSubscription?> GetSubscriptionAsync(string tenantId, string subscriptionId, CancellationToken cancellationToken)
    {
        var subscription = await _inner.GetSubscriptionAsync(tenantId, subscriptionId, cancellationToken);
        await _hooks.AfterGetSubscription!(subscription);
        return subscription;
    }

    private async ValueTask<WebhookDelivery?> GetDeliveryAsync(string tenantId, string deliveryId, CancellationToken cancellationToken)
    {
        var delivery = await _inner.GetDeliveryAsync(tenantId, deliveryId, cancellationToken);
        await _hooks.AfterGetDelivery!(delivery);
        return delivery;
    }

    private async ValueTask<bool> ReleaseAsync(WebhookLeaseRelease release, CancellationToken cancellationToken)
    {
        if (_hooks.BeforeRelease is { } before)
        {
            await before(release);
        }

        var released = await _inner.ReleaseLeaseAsync(release, cancellationToken);
        if (_hooks.AfterRelease is { } after)
        {
            await after(release);
        }

        return released;
    }

    private async ValueTask<int> RequeueManyAsync(WebhookRequeueRequest request, CancellationToken cancellationToken)
    {
        if (_hooks.BeforeRequeueMany is { } before)
        {
            await before(request);
        }

        var count = await _inner.RequeueDeliveriesAsync(request, cancellationToken);
        if (_hooks.AfterRequeue is { } after)
        {
            await after();
        }

        return count;
    }

    private async ValueTask<bool> RequeueOneAsync(string tenantId, string deliveryId, DateTimeOffset dueAt, CancellationToken cancellationToken)
    {
        if (_hooks.BeforeRequeueOne is { } before)
        {
            await before();
        }

        var requeued = await _inner.RequeueDeliveryAsync(tenantId, deliveryId, dueAt, cancellationToken);
        if (_hooks.AfterRequeue is { } after)
        {
            await after();
        }

        return requeued;
    }

    public sealed class Hooks
    {
        /// <summary>Runs once a subscription has been read, before the reader gets it.</summary>
        public Func<WebhookSubscription?, Task>? AfterGetSubscription { get; init; }

        /// <summary>While it returns <see langword="false"/>, claims find nothing due (the store is not asked).</summary>
        public Func<bool>? ClaimsAllowed { get; init; }

        /// <summary>Runs once a delivery has been read, before the reader gets it.</summary>
        public Func<WebhookDelivery?, Task>? AfterGetDelivery { get; init; }

        public Func<WebhookLeaseRelease, Task>? BeforeRelease { get; init; }

        public Func<WebhookLeaseRelease, Task>? AfterRelease { get; init; }

        public Func<WebhookRequeueRequest, Task>? BeforeRequeueMany { get; init; }

        public Func<Task>? BeforeRequeueOne { get; init; }

        /// <summary>Makes the store answer <see cref="IWebhookStore.RequeueDeliveriesAsync"/> as a custom store without it does.</summary>
        public bool BulkRequeueUnsupported { get; init; }

        /// <summary>Makes the store answer <see cref="IWebhookStore.RequeueDeliveryIfNotLeasedAsync"/> as a custom store without it does.</summary>
        public bool ConditionalRequeueUnsupported { get; init; }

        /// <summary>Runs once a re-queue (of one delivery or in bulk) has been written.</summary>
        public Func<Task>? AfterRequeue { get; init; }
    }
}
