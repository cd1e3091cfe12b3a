namespace Choreblimey.Webhooks.Catalogs.WhatsCrm;

/// <summary>The payload of <c>campaign.started</c>. A campaign began.</summary>
public sealed record CampaignStarted(
    string CampaignId,
    string TemplateId,
    int AudienceSize,
    DateTimeOffset StartedAt);
