namespace Choreblimey.Webhooks.Catalogs.WhatsCrm;

/// <summary>The payload of <c>contact.created</c>. A contact was created.</summary>
public sealed record ContactCreated(
    string ContactId,
    string Source,
    IReadOnlyList<string> Tags);
