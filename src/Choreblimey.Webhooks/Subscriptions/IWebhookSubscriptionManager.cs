namespace Choreblimey.Webhooks;

/// <summary>
/// Manages a tenant's subscriptions. Every call is scoped to the tenant it names: another tenant's subscriptions behave
/// as if they did not exist.
/// </summary>
public interface IWebhookSubscriptionManager
{
    /// <summary>Validates and creates a subscription. A secret is generated when none is given.</summary>
    /// <param name="tenantId">The owning tenant; <see langword="null"/> for single-tenant hosts.</param>
    /// <param name="request">The subscription's settings.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The stored subscription, including its secret (reveal it to the receiver's owner once).</returns>
    /// <exception cref="WebhookValidationException">A setting is invalid; the message names it.</exception>
    ValueTask<WebhookSubscription> CreateAsync(string? tenantId, WebhookSubscriptionRequest request, CancellationToken cancellationToken = default);

    /// <summary>Gets a tenant's subscription.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="subscriptionId">The subscription id.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The subscription, or <see langword="null"/>.</returns>
    ValueTask<WebhookSubscription?> GetAsync(string? tenantId, string subscriptionId, CancellationToken cancellationToken = default);

    /// <summary>Lists a tenant's subscriptions, one page at a time.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="query">Filters and paging; <see langword="null"/> for the first page of everything.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>One page.</returns>
    ValueTask<WebhookPage<WebhookSubscription>> ListAsync(string? tenantId, WebhookSubscriptionQuery? query = null, CancellationToken cancellationToken = default);

    /// <summary>Deletes a tenant's subscription. Its delivery log is kept.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="subscriptionId">The subscription id.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns><see langword="true"/> when it existed.</returns>
    ValueTask<bool> DeleteAsync(string? tenantId, string subscriptionId, CancellationToken cancellationToken = default);
}
