namespace Choreblimey.Webhooks.Delivery.Internal;

/// <summary>One HTTP POST to make: the signed body and its headers.</summary>
internal sealed record WebhookSendRequest(
    Uri Url,
    ReadOnlyMemory<byte> Body,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    TimeSpan Timeout,
    int MaxResponseBodyBytes);
