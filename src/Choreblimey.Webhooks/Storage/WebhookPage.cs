namespace Choreblimey.Webhooks;

/// <summary>One page of results with the token that fetches the next one.</summary>
/// <typeparam name="T">The item type.</typeparam>
/// <param name="Items">The items of this page.</param>
/// <param name="ContinuationToken">Pass it back to get the next page; <see langword="null"/> on the last page.</param>
public sealed record WebhookPage<T>(IReadOnlyList<T> Items, string? ContinuationToken);
