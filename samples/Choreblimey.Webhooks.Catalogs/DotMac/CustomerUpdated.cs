namespace Choreblimey.Webhooks.Catalogs.DotMac;

/// <summary>The payload of <c>customer.updated</c>. A customer changed.</summary>
public sealed record CustomerUpdated(
    string CustomerId,
    IReadOnlyList<string> ChangedFields);
