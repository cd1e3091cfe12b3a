namespace Choreblimey.Webhooks.Catalogs.WhatsCrm;

/// <summary>The payload of <c>automation.triggered</c>. An automation ran.</summary>
public sealed record AutomationTriggered(
    string AutomationId,
    string RunId,
    string Trigger,
    string? ConversationId);
