namespace Choreblimey.Webhooks.Catalogs.WhatsCrm;

/// <summary>The payload of <c>conversation.resolved</c>. A conversation was marked resolved.</summary>
public sealed record ConversationResolved(
    string ConversationId,
    string ResolvedBy,
    DateTimeOffset ResolvedAt);
