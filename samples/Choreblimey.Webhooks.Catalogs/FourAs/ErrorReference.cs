namespace Choreblimey.Webhooks.Catalogs.FourAs;

/// <summary>A record an <see cref="ErrorOccurred"/> involved, by kind and id.</summary>
/// <param name="Kind">What the record is: <c>order</c>, <c>appointment</c>, <c>course</c>, <c>tutor</c>, <c>ticket</c>.</param>
/// <param name="Id">Its id.</param>
public sealed record ErrorReference(string Kind, string Id);
