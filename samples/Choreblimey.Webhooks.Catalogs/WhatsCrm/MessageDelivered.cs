namespace Choreblimey.Webhooks.Catalogs.WhatsCrm;

/// <summary>The payload of <c>message.delivered</c>. A message was delivered.</summary>
public sealed record MessageDelivered(
    string MessageId,
    string ConversationId,
    DateTimeOffset DeliveredAt);
