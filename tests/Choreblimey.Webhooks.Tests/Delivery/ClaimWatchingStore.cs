using System.Collections.Concurrent;
using System.Reflection;

namespace Choreblimey.Webhooks.Tests.Delivery;

/// <summary>
/// An <see cref="IWebhookStore"/> that passes every call to an in-memory store and keeps each claim request that found
/// deliveries; claims wait until the test opens them, so that everything published before is due when the worker claims.
/// </summary>
public class ClaimWatchingStore : InMemoryStoreProxy
{
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentQueue<WebhookClaimRequest> _claims = new();

    /// <summary>Gets the claim requests that found due deliveries, in order.</summary>
    public IReadOnlyList<WebhookClaimRequest> Claims => [.. _claims];

    public static (IWebhookStore Store, ClaimWatchingStore Watcher) Create() => CreateOver<ClaimWatchingStore>();

    /// <summary>Lets the worker's claims through, from now on.</summary>
    public void OpenClaims() => _open.TrySetResult();

    protected override bool TryIntercept(MethodInfo method, object?[] args, out object? result)
    {
        result = null;
        if (method.Name != nameof(IWebhookStore.ClaimDueDeliveriesAsync))
        {
            return false;
        }

        // Returned to the worker as is, the one consumer of this ValueTask.
#pragma warning disable CA2012
        result = ClaimAsync((WebhookClaimRequest)args[0]!, (CancellationToken)args[1]!);
#pragma warning restore CA2012
        return true;
    }

    private async ValueTask<IReadOnlyList<WebhookDeliveryLease>> ClaimAsync(WebhookClaimRequest request, CancellationToken cancellationToken)
    {
        await _open.Task.WaitAsync(cancellationToken);
        var leases = await Inner.ClaimDueDeliveriesAsync(request, cancellationToken);
        if (leases.Count > 0)
        {
            _claims.Enqueue(request);
        }

        return leases;
    }
}
