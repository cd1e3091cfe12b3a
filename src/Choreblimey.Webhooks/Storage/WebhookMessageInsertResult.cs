namespace Choreblimey.Webhooks;

/// <summary>What a store did with a published message.</summary>
/// <param name="MessageId">The stored message id: the new one, or the first one published with the same idempotency key.</param>
/// <param name="DeliveryCount">How many deliveries the stored message has.</param>
/// <param name="IsDuplicate"><see langword="true"/> when the idempotency key was seen before and nothing was written.</param>
public readonly record struct WebhookMessageInsertResult(string MessageId, int DeliveryCount, bool IsDuplicate);
