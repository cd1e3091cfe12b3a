namespace Choreblimey.Webhooks.Catalogs.WhatsCrm;

/// <summary>The payload of <c>message.read</c>. A message was read.</summary>
public sealed record MessageRead(
    string MessageId,
    string ConversationId,
    DateTimeOffset ReadAt);
