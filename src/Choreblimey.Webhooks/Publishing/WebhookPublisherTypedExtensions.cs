namespace Choreblimey.Webhooks;

/// <summary>
/// Publishes by payload type: the event type is the one declared with <c>AddEvent&lt;TPayload&gt;(name, ...)</c>, so a
/// wrong event name cannot be written at the call site.
/// </summary>
/// <remarks>
/// These look the event up through the library's own publisher. On another <see cref="IWebhookPublisher"/> (a decorator
/// or a mock registered in its place) they throw <see cref="InvalidOperationException"/>: publish by event name through
/// such a publisher.
/// </remarks>
public static class WebhookPublisherTypedExtensions
{
    /// <summary>Publishes the event declared with the payload's type.</summary>
    /// <typeparam name="TPayload">The payload type; exactly one declared event must use it (<c>AddEvent&lt;TPayload&gt;</c>).</typeparam>
    /// <param name="publisher">The publisher.</param>
    /// <param name="payload">The event's data.</param>
    /// <param name="tenantId">The tenant the event belongs to; <see langword="null"/> for single-tenant hosts.</param>
    /// <param name="actor">The id of whoever caused the event, if known.</param>
    /// <param name="idempotencyKey">A key that makes re-publishing harmless (per tenant).</param>
    /// <param name="cancellationToken">A token to cancel the store write.</param>
    /// <returns>The receipt.</returns>
    /// <exception cref="UnknownWebhookEventException">No event is declared with <typeparamref name="TPayload"/>.</exception>
    /// <exception cref="InvalidOperationException">Several events declare <typeparamref name="TPayload"/>, or the publisher cannot resolve events by payload type.</exception>
    public static ValueTask<WebhookPublishReceipt> PublishAsync<TPayload>(
        this IWebhookPublisher publisher,
        TPayload payload,
        string? tenantId = null,
        string? actor = null,
        string? idempotencyKey = null,
        CancellationToken cancellationToken = default) =>
        publisher.PublishAsync(payload, new WebhookPublishOptions { TenantId = tenantId, Actor = actor, IdempotencyKey = idempotencyKey }, cancellationToken);

    /// <summary>Publishes the event declared with the payload's type, with every publish option.</summary>
    /// <typeparam name="TPayload">The payload type; exactly one declared event must use it.</typeparam>
    /// <param name="publisher">The publisher.</param>
    /// <param name="payload">The event's data.</param>
    /// <param name="options">Tenant, actor, idempotency key and the rest.</param>
    /// <param name="cancellationToken">A token to cancel the store write.</param>
    /// <returns>The receipt.</returns>
    /// <remarks>
    /// When webhooks are disabled the receipt says <see cref="WebhookPublishStatus.Disabled"/> and the payload type is not
    /// even looked up; with <see cref="WebhookOptions.ThrowOnInvalidPublish"/> off, an undeclared payload type gives a
    /// <see cref="WebhookPublishStatus.Rejected"/> receipt instead of an exception.
    /// </remarks>
    /// <exception cref="UnknownWebhookEventException">No event is declared with <typeparamref name="TPayload"/>.</exception>
    /// <exception cref="InvalidOperationException">Several events declare <typeparamref name="TPayload"/>, or the publisher cannot resolve events by payload type.</exception>
    public static ValueTask<WebhookPublishReceipt> PublishAsync<TPayload>(
        this IWebhookPublisher publisher,
        TPayload payload,
        WebhookPublishOptions options,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(publisher);
        ArgumentNullException.ThrowIfNull(options);
        if (publisher is IWebhookEventRegistryProvider provider)
        {
            return provider.PublishByPayloadTypeAsync(payload, options, cancellationToken);
        }

        var definition = GetEventForPayload(publisher, typeof(TPayload));
        return publisher.PublishAsync(definition.Name, payload, options, cancellationToken);
    }

    /// <summary>Finds the event declared with a payload type, through the publisher's registry.</summary>
    /// <param name="publisher">The publisher.</param>
    /// <param name="payloadType">The payload type.</param>
    /// <returns>The definition.</returns>
    internal static WebhookEventDefinition GetEventForPayload(IWebhookPublisher publisher, Type payloadType)
    {
        if (publisher is not IWebhookEventRegistryProvider provider)
        {
            throw new InvalidOperationException(
                $"The publisher {publisher.GetType()} cannot resolve events by payload type; publish with an explicit event type instead.");
        }

        var registry = provider.EventRegistry;
        if (registry.TryGetEventForPayload(payloadType, out var definition))
        {
            return definition;
        }

        // PublishAsync("chore:deleted", tenantId: t) with the payload forgotten binds here, with the event name as the payload.
        throw new UnknownWebhookEventException(payloadType == typeof(string)
            ? "No webhook event is declared with the payload type System.String, and a string was passed as the payload: to publish by "
                + "event name, pass the payload after it, as in PublishAsync(\"chore:created\", payload, tenantId: ...)."
            : $"No webhook event is declared with the payload type {payloadType}. Declare it with AddEvent<{payloadType.Name}>(name, category) before publishing it by type.");
    }
}
