namespace Choreblimey.Webhooks.Catalogs.WhatsCrm;

/// <summary>The payload of <c>conversation.assigned</c>. A conversation was assigned to an agent.</summary>
public sealed record ConversationAssigned(
    string ConversationId,
    string AgentId,
    string? AssignedBy,
    string? TeamId);
