namespace Choreblimey.Webhooks.Catalogs.FourAs;

/// <summary>Part of a 4AS Tutor Booking payload.</summary>
public sealed record RefundInfo(
    string Kind,
    decimal Amount,
    string Currency);
