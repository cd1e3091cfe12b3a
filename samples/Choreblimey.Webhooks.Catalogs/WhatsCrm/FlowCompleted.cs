namespace Choreblimey.Webhooks.Catalogs.WhatsCrm;

/// <summary>The payload of <c>flow.completed</c>. A flow execution finished.</summary>
public sealed record FlowCompleted(
    string FlowId,
    string ExecutionId,
    string ContactId,
    long DurationMs);
