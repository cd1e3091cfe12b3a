namespace Choreblimey.Webhooks.Subscriptions.Internal;

/// <summary>The outcome of <see cref="WebhookSubscriptionWriter.ChangeAsync"/>.</summary>
/// <param name="Subscription">The version written or, when nothing was written, the current one; <see langword="null"/> when the subscription does not exist.</param>
/// <param name="Written">Whether a new version was stored.</param>
internal readonly record struct WebhookSubscriptionChange(WebhookSubscription? Subscription, bool Written);
