namespace Choreblimey.Webhooks.Catalogs.WhatsCrm;

/// <summary>The payload of <c>conversation.closed</c>. A conversation was closed.</summary>
public sealed record ConversationClosed(
    string ConversationId,
    string ClosedBy,
    DateTimeOffset ClosedAt);
