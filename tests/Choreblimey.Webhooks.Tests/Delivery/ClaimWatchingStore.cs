using System.Collections.Concurrent;
using System.Reflection;

namespace Choreblimey.Webhooks.Tests.Delivery;

/// <summary>
/// An <see cref="IWebhookStore"/> that passes every call to an in-memory store and keeps each claim request that found
/// deliveries; claims wait until the test opens them, so that everything published before is due when the worker claims.
/// </summary>
public class ClaimWatchingStore : DispatchProxy
{
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentQueue<WebhookClaimRequest> _claims = new();
    private InMemoryWebhookStore _inner = null!;

    /// <summary>Gets the claim requests that found due deliveries, in order.</summary>
    public IReadOnlyList<WebhookClaimRequest> Claims => [.. _claims];

    public static (IWebhookStore Store, ClaimWatchingStore Watcher) Create()
    {
        var store = Create<IWebhookStore, ClaimWatchingStore>();
        var watcher = (ClaimWatchingStore)(object)store;
        watcher._inner = new InMemoryWebhookStore();
        return (store, watcher);
    }

    /// <summary>Lets the worker's claims through, from now on.</summary>
    public void OpenClaims() => _open.TrySetResult();

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        if (targetMethod.Name == nameof(IWebhookStore.ClaimDueDeliveriesAsync))
        {
            // Returned to the caller as is, the one consumer of this ValueTask.
#pragma warning disable CA2012
            return ClaimAsync((WebhookClaimRequest)args![0]!, (CancellationToken)args[1]!);
#pragma warning restore CA2012
        }

        try
        {
            return targetMethod.Invoke(_inner, args);
        }
        catch (TargetInvocationException exception) when (exception.InnerException is { } inner)
        {
            throw inner;
        }
    }

    private async ValueTask<IReadOnlyList<WebhookDeliveryLease>> ClaimAsync(WebhookClaimRequest request, CancellationToken cancellationToken)
    {
        await _open.Task.WaitAsync(cancellationToken);
        var leases = await _inner.ClaimDueDeliveriesAsync(request, cancellationToken);
        if (leases.Count > 0)
        {
            _claims.Enqueue(request);
        }

        return leases;
    }
}
