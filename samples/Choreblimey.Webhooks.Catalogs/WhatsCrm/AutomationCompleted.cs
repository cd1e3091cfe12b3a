namespace Choreblimey.Webhooks.Catalogs.WhatsCrm;

/// <summary>The payload of <c>automation.completed</c>. An automation finished.</summary>
public sealed record AutomationCompleted(
    string AutomationId,
    string RunId,
    int ActionsExecuted);
