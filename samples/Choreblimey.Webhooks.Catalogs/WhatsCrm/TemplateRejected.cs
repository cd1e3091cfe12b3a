namespace Choreblimey.Webhooks.Catalogs.WhatsCrm;

/// <summary>The payload of <c>template.rejected</c>. Meta rejected a message template.</summary>
public sealed record TemplateRejected(
    string TemplateId,
    string Name,
    string Language,
    string? Reason);
