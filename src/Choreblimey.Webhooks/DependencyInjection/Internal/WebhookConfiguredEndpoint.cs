namespace Choreblimey.Webhooks.DependencyInjection.Internal;

/// <summary>
/// An endpoint declared by configuration, stored as the subscription <see cref="SubscriptionId"/>; or, when
/// <see cref="Request"/> is <see langword="null"/>, a destination route whose URL keys are all unset (<see cref="SkippedKeys"/>).
/// <see cref="Source"/> names where it was declared (a configuration key), for messages that tell the host what to change.
/// </summary>
internal sealed record WebhookConfiguredEndpoint(
    string SubscriptionId,
    string TenantId,
    IReadOnlyList<string> EventPatterns,
    WebhookSubscriptionRequest? Request,
    string Source,
    string? SkippedKeys = null);
