namespace Choreblimey.Webhooks.Catalogs.WhatsCrm;

/// <summary>The payload of <c>conversation.created</c>. A conversation started.</summary>
public sealed record ConversationCreated(
    string ConversationId,
    string ContactId,
    string Channel,
    DateTimeOffset CreatedAt);
