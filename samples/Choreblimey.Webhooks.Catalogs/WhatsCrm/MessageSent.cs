namespace Choreblimey.Webhooks.Catalogs.WhatsCrm;

/// <summary>The payload of <c>message.sent</c>. A message was sent.</summary>
public sealed record MessageSent(
    string MessageId,
    string ConversationId,
    string ContactId,
    string? AgentId,
    string MessageType,
    DateTimeOffset SentAt);
