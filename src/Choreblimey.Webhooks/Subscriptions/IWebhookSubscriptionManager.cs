namespace Choreblimey.Webhooks;

/// <summary>
/// Manages a tenant's subscriptions. Every call is scoped to the tenant it names: another tenant's subscriptions behave
/// exactly as if they did not exist.
/// </summary>
/// <remarks>
/// "Not found" is never an exception: operations on one subscription return <see langword="null"/> (or
/// <see langword="false"/> for <see cref="DeleteAsync"/>) when the tenant has no subscription with that id, whether it
/// never existed, was deleted, or belongs to another tenant. Invalid settings throw <see cref="WebhookValidationException"/>
/// (its <see cref="WebhookValidationException.PropertyName"/> names the setting); an invalid tenant id throws
/// <see cref="ArgumentException"/> naming <c>tenantId</c>.
/// </remarks>
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
    /// <returns>The subscription, or <see langword="null"/> when the tenant has none with that id.</returns>
    ValueTask<WebhookSubscription?> GetAsync(string? tenantId, string subscriptionId, CancellationToken cancellationToken = default);

    /// <summary>Lists a tenant's subscriptions, one page at a time, optionally filtered by event type and state.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="query">Filters and paging; <see langword="null"/> for the first page of everything.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>One page.</returns>
    ValueTask<WebhookPage<WebhookSubscription>> ListAsync(string? tenantId, WebhookSubscriptionQuery? query = null, CancellationToken cancellationToken = default);

    /// <summary>Validates and applies changes to a tenant's subscription. Expired secrets are pruned.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="subscriptionId">The subscription id.</param>
    /// <param name="update">The changes; <see langword="null"/> properties are kept.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The updated subscription, or <see langword="null"/> when the tenant has none with that id.</returns>
    /// <exception cref="WebhookValidationException">A setting is invalid; the message names it.</exception>
    ValueTask<WebhookSubscription?> UpdateAsync(string? tenantId, string subscriptionId, WebhookSubscriptionUpdate update, CancellationToken cancellationToken = default);

    /// <summary>Deletes a tenant's subscription. Its delivery log is kept.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="subscriptionId">The subscription id.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns><see langword="true"/> when it existed.</returns>
    ValueTask<bool> DeleteAsync(string? tenantId, string subscriptionId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Pauses a tenant's subscription: new events are not routed to it and its pending deliveries are held. A disabled
    /// subscription keeps its <see cref="WebhookSubscription.DisabledReason"/> while paused; resuming clears it. Pausing a
    /// paused subscription changes nothing, and an attempt in flight when it was paused (answered <c>410 Gone</c>, or
    /// ending a failure streak) does not turn the pause into a disable.
    /// </summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="subscriptionId">The subscription id.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The paused subscription, or <see langword="null"/> when the tenant has none with that id.</returns>
    ValueTask<WebhookSubscription?> PauseAsync(string? tenantId, string subscriptionId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Makes a paused or disabled subscription active again and its held pending deliveries due now; an active one is left
    /// as it is. Like <see cref="IWebhookOperations.EnableSubscriptionAsync"/>, it clears
    /// <see cref="WebhookSubscription.DisabledReason"/> and closes the endpoint's circuit breaker, so the held deliveries are
    /// sent at once rather than handed back until the break ends.
    /// </summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="subscriptionId">The subscription id.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The active subscription, or <see langword="null"/> when the tenant has none with that id.</returns>
    ValueTask<WebhookSubscription?> ResumeAsync(string? tenantId, string subscriptionId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Rotates the signing secret. The new secret signs from now on; the secrets valid until now keep signing too until
    /// <paramref name="window"/> has passed, so receivers can switch without losing messages. Expired secrets are pruned.
    /// </summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="subscriptionId">The subscription id.</param>
    /// <param name="newSecret">The new secret (<c>whsec_</c> + base64, or at least 24 bytes of text); generated when <see langword="null"/>.</param>
    /// <param name="window">How long the old secrets stay valid; <see cref="WebhookOptions.SecretRotationWindow"/> when <see langword="null"/>. Zero retires them at once.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The subscription with its new secret first, or <see langword="null"/> when the tenant has none with that id.</returns>
    /// <exception cref="WebhookValidationException">The secret or window is invalid.</exception>
    ValueTask<WebhookSubscription?> RotateSecretAsync(string? tenantId, string subscriptionId, string? newSecret = null, TimeSpan? window = null, CancellationToken cancellationToken = default);
}
