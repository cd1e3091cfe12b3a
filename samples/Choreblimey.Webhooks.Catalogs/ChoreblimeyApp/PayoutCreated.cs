namespace Choreblimey.Webhooks.Catalogs.ChoreblimeyApp;

/// <summary>The payload of <c>payout:created</c>. A payout of pocket money was recorded.</summary>
public sealed record PayoutCreated(
    string PayoutId,
    string ChildId,
    decimal Amount,
    string Currency,
    string Method,
    DateTimeOffset? PeriodStart,
    DateTimeOffset? PeriodEnd);
