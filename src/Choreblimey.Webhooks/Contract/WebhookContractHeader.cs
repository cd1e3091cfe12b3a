namespace Choreblimey.Webhooks;

/// <summary>A header of every delivery that a receiver must read.</summary>
/// <param name="Name">The header name.</param>
/// <param name="Description">What it carries and how to check it.</param>
public sealed record WebhookContractHeader(string Name, string Description);
