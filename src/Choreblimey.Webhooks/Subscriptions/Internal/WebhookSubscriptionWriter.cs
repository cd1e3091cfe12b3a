using System.Globalization;

namespace Choreblimey.Webhooks.Subscriptions.Internal;

/// <summary>
/// Changes a stored subscription by reading it, applying a change and writing it back only if nobody else wrote it in
/// between (<see cref="IWebhookStore.UpdateSubscriptionIfUnchangedAsync"/>); on a conflict the change is applied again to
/// a fresh read. Owners' edits, pauses, secret rotations and the worker's automatic disable go through here, so none of
/// them silently undoes another.
/// </summary>
internal static class WebhookSubscriptionWriter
{
    /// <summary>How many times a change is tried before giving up on a subscription that keeps changing under it.</summary>
    public const int MaxAttempts = 8;

    /// <summary>Reads, changes and writes back one subscription.</summary>
    /// <param name="store">The store.</param>
    /// <param name="timeProvider">The clock for <see cref="WebhookSubscription.UpdatedAt"/>.</param>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="subscriptionId">The subscription id.</param>
    /// <param name="change">
    /// Returns the new version from the current one and the time of the change, or <see langword="null"/> when nothing is to
    /// be written (for example the subscription is already in the wanted state). It may run more than once.
    /// </param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The version written, or the current one when <paramref name="change"/> declined; <see langword="null"/> when the tenant has no such subscription.</returns>
    /// <exception cref="InvalidOperationException">Other writers changed the subscription on each of <see cref="MaxAttempts"/> tries.</exception>
    public static async ValueTask<WebhookSubscriptionChange> ChangeAsync(
        IWebhookStore store,
        TimeProvider timeProvider,
        string tenantId,
        string subscriptionId,
        Func<WebhookSubscription, DateTimeOffset, WebhookSubscription?> change,
        CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var current = await store.GetSubscriptionAsync(tenantId, subscriptionId, cancellationToken).ConfigureAwait(false);
            if (current is null)
            {
                return default;
            }

            var now = timeProvider.GetUtcNow();
            if (change(current, now) is not { } changed)
            {
                return new WebhookSubscriptionChange(current, Written: false);
            }

            changed = changed with { UpdatedAt = NextUpdatedAt(current.UpdatedAt, now) };
            switch (await store.UpdateSubscriptionIfUnchangedAsync(changed, current.UpdatedAt, cancellationToken).ConfigureAwait(false))
            {
                case WebhookSubscriptionUpdateResult.Updated:
                    return new WebhookSubscriptionChange(changed, Written: true);
                case WebhookSubscriptionUpdateResult.NotFound:
                    return default;
            }
        }

        throw new InvalidOperationException(string.Create(
            CultureInfo.InvariantCulture,
            $"The webhook subscription '{subscriptionId}' of tenant '{tenantId}' was changed by another writer on each of {MaxAttempts} tries to update it; nothing was written. Try again."));
    }

    /// <summary>
    /// The <see cref="WebhookSubscription.UpdatedAt"/> of a new version: now, but always at least a microsecond (the coarsest
    /// precision a store keeps) after the version it replaces, so that a frozen or backward-stepping clock still gives every
    /// version a distinct stamp to compare.
    /// </summary>
    /// <param name="previous">The replaced version's stamp.</param>
    /// <param name="now">The current time.</param>
    /// <returns>The new stamp.</returns>
    public static DateTimeOffset NextUpdatedAt(DateTimeOffset previous, DateTimeOffset now)
    {
        var floor = TruncateToMicrosecond(previous) + TimeSpan.FromMicroseconds(1);
        var candidate = TruncateToMicrosecond(now);
        return candidate >= floor ? candidate : floor;
    }

    private static DateTimeOffset TruncateToMicrosecond(DateTimeOffset value) =>
        new(value.UtcTicks - (value.UtcTicks % TimeSpan.TicksPerMicrosecond), TimeSpan.Zero);
}
