namespace Choreblimey.Webhooks.Catalogs.WhatsCrm;

/// <summary>The payload of <c>campaign.failed</c>. A campaign failed.</summary>
public sealed record CampaignFailed(
    string CampaignId,
    string Error,
    int Sent);
