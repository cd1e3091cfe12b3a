namespace Choreblimey.Webhooks.Catalogs.WhatsCrm;

/// <summary>The payload of <c>message.new</c>. An incoming message arrived.</summary>
public sealed record MessageReceived(
    string MessageId,
    string ConversationId,
    string ContactId,
    string Channel,
    string MessageType,
    DateTimeOffset ReceivedAt);
