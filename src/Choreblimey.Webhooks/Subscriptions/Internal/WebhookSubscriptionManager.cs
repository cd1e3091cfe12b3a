using Choreblimey.Webhooks.Internal;

namespace Choreblimey.Webhooks.Subscriptions.Internal;

/// <summary>Validates requests, stores subscriptions, and keeps the routing cache in step.</summary>
internal sealed class WebhookSubscriptionManager(
    IWebhookStore store,
    WebhookSubscriptionValidator validator,
    WebhookSubscriptionRouter router,
    WebhookIdGenerator ids,
    TimeProvider timeProvider) : IWebhookSubscriptionManager
{
    public async ValueTask<WebhookSubscription> CreateAsync(string? tenantId, WebhookSubscriptionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var tenant = NormalizeTenant(tenantId);
        var url = WebhookSubscriptionValidator.ValidateUrl(request.Url);
        var patterns = validator.ValidatePatterns(request.EventTypes);
        var secret = WebhookSubscriptionValidator.ValidateSecret(request.Secret);
        WebhookSubscriptionValidator.ValidateSettings(request);

        var now = timeProvider.GetUtcNow();
        var subscription = new WebhookSubscription
        {
            Id = ids.NewSubscriptionId(),
            TenantId = tenant,
            Url = url,
            EventPatterns = patterns,
            Secrets = [new WebhookSigningSecret(secret)],
            Description = request.Description,
            MaxAttempts = request.MaxAttempts,
            RetrySchedule = request.RetrySchedule,
            Timeout = request.Timeout,
            Headers = request.Headers,
            Metadata = request.Metadata,
            CreatedAt = now,
            UpdatedAt = now,
        };
        await store.CreateSubscriptionAsync(subscription, cancellationToken).ConfigureAwait(false);
        router.Invalidate(tenant);
        return subscription;
    }

    public ValueTask<WebhookSubscription?> GetAsync(string? tenantId, string subscriptionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscriptionId);
        return store.GetSubscriptionAsync(NormalizeTenant(tenantId), subscriptionId, cancellationToken);
    }

    public ValueTask<WebhookPage<WebhookSubscription>> ListAsync(string? tenantId, WebhookSubscriptionQuery? query = null, CancellationToken cancellationToken = default) =>
        store.ListSubscriptionsAsync(NormalizeTenant(tenantId), query ?? new WebhookSubscriptionQuery(), cancellationToken);

    public async ValueTask<bool> DeleteAsync(string? tenantId, string subscriptionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscriptionId);
        var tenant = NormalizeTenant(tenantId);
        var deleted = await store.DeleteSubscriptionAsync(tenant, subscriptionId, cancellationToken).ConfigureAwait(false);
        router.Invalidate(tenant);
        return deleted;
    }

    private static string NormalizeTenant(string? tenantId)
    {
        var tenant = tenantId ?? string.Empty;
        WebhookInputRules.EnsureValidTenantId(tenant, nameof(tenantId));
        return tenant;
    }
}
