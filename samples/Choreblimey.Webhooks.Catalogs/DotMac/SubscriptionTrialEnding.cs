namespace Choreblimey.Webhooks.Catalogs.DotMac;

/// <summary>The payload of <c>subscription.trial_ending</c>. A subscription's trial ends soon.</summary>
public sealed record SubscriptionTrialEnding(
    string SubscriptionId,
    string CustomerId,
    DateTimeOffset TrialEndsAt,
    int DaysRemaining);
