namespace Choreblimey.Webhooks.Catalogs.WhatsCrm;

/// <summary>The payload of <c>flow.started</c>. A flow execution began.</summary>
public sealed record FlowStarted(
    string FlowId,
    string ExecutionId,
    string ContactId,
    string Trigger);
