namespace Choreblimey.Webhooks.Catalogs.FourAs;

/// <summary>The payload of <c>message.sent</c>. A student and tutor exchanged a message.</summary>
public sealed record MessageSent(
    string MessageId,
    string ConversationId,
    string SenderId,
    string RecipientId,
    DateTimeOffset SentAt);
