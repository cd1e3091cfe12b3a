namespace Choreblimey.Webhooks.Catalogs.WhatsCrm;

/// <summary>The payload of <c>contact.updated</c>. A contact changed.</summary>
public sealed record ContactUpdated(
    string ContactId,
    IReadOnlyList<string> ChangedFields);
