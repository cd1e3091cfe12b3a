namespace Choreblimey.Webhooks.Catalogs.WhatsCrm;

/// <summary>The payload of <c>conversation.updated</c>. A conversation changed.</summary>
public sealed record ConversationUpdated(
    string ConversationId,
    IReadOnlyList<string> ChangedFields);
