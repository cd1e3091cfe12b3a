namespace Choreblimey.Webhooks.Testing.Support;

/// <summary>A request the loopback receiver got, with its headers (lower-case names) and body.</summary>
public sealed record ReceivedWebhook(string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body, int AnsweredStatus, DateTimeOffset ReceivedAt)
{
    public string? Header(string name) => Headers.TryGetValue(name.ToLowerInvariant(), out var value) ? value : null;

    public string WebhookId => Header("webhook-id") ?? "";

    public string BodyText => System.Text.Encoding.UTF8.GetString(Body);
}
