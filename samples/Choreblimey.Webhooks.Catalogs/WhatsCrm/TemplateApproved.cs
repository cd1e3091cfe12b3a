namespace Choreblimey.Webhooks.Catalogs.WhatsCrm;

/// <summary>The payload of <c>template.approved</c>. Meta approved a message template.</summary>
public sealed record TemplateApproved(
    string TemplateId,
    string Name,
    string Language,
    string Category);
