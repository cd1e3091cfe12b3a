namespace Choreblimey.Webhooks.Catalogs.WhatsCrm;

/// <summary>The payload of <c>message.failed</c>. A message could not be sent.</summary>
public sealed record MessageFailed(
    string MessageId,
    string ConversationId,
    string ErrorCode,
    string? Error);
