namespace Choreblimey.Webhooks.Catalogs.DotMac;

/// <summary>The payload of <c>email.bounced</c>. An email bounced.</summary>
public sealed record EmailBounced(
    string EmailId,
    string BounceType,
    string? Reason);
