namespace Choreblimey.Webhooks.Benchmarks.Infrastructure;

/// <summary>A small, realistic event payload (a chore): about 120 bytes of JSON.</summary>
public sealed record BenchPayload(int Sequence, string Id, string Title, string Frequency, int Points);

internal static class BenchData
{
    public const string EventType = "bench:created";
    public const string OtherEventType = "other:created";
    public const string Tenant = "family-1";

    public static BenchPayload Payload(int sequence) =>
        new(sequence, "chore-0001", "Empty the dishwasher before school", "daily", 5);

    /// <summary>JSON payload bytes of exactly <paramref name="size"/> bytes: <c>{"text":"xxxx..."}</c>.</summary>
    public static byte[] JsonOfSize(int size)
    {
        const string Head = "{\"text\":\"";
        const string Tail = "\"}";
        var bytes = new byte[size];
        System.Text.Encoding.ASCII.GetBytes(Head).CopyTo(bytes, 0);
        bytes.AsSpan(Head.Length, size - Head.Length - Tail.Length).Fill((byte)'x');
        System.Text.Encoding.ASCII.GetBytes(Tail).CopyTo(bytes, size - Tail.Length);
        return bytes;
    }

    public static WebhookSubscription Subscription(string id, Uri url, IReadOnlyList<string> patterns, WebhookSecret secret, IReadOnlyList<WebhookAttributeFilter>? filters = null) => new()
    {
        Id = id,
        TenantId = Tenant,
        Url = url,
        EventPatterns = patterns,
        Secrets = [new WebhookSigningSecret(secret)],
        Filters = filters,
        CreatedAt = DateTimeOffset.UtcNow,
        UpdatedAt = DateTimeOffset.UtcNow,
    };
}
