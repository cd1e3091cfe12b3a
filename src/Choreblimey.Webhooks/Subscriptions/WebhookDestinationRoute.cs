namespace Choreblimey.Webhooks;

/// <summary>One route of a <see cref="WebhookDestinationMap"/>.</summary>
/// <param name="EventPattern">The event name or pattern the route carries.</param>
/// <param name="UrlKeys">The configuration keys read for the URL, in order; the first one set wins.</param>
public sealed record WebhookDestinationRoute(string EventPattern, IReadOnlyList<string> UrlKeys);
