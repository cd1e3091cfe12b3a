namespace Choreblimey.Webhooks.Catalogs.WhatsCrm;

/// <summary>The payload of <c>flow.failed</c>. A flow execution failed.</summary>
public sealed record FlowFailed(
    string FlowId,
    string ExecutionId,
    string ContactId,
    string Error,
    string? FailedStepId);
