namespace Choreblimey.Webhooks.Catalogs.WhatsCrm;

/// <summary>The payload of <c>campaign.completed</c>. A campaign finished.</summary>
public sealed record CampaignCompleted(
    string CampaignId,
    int Sent,
    int Delivered,
    int Failed,
    DateTimeOffset CompletedAt);
