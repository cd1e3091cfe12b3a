namespace Choreblimey.Webhooks.Catalogs.ChoreblimeyApp;

/// <summary>The payload of <c>chat:message</c>. A family chat message was sent (identifiers only, never the text).</summary>
public sealed record ChatMessageSent(
    string MessageId,
    string SenderId,
    string ThreadId,
    bool HasAttachments);
