namespace Choreblimey.Webhooks.Storage.Tests.Conformance;

/// <summary>Field-by-field comparisons for records whose collections compare by reference.</summary>
public static class StoreAssert
{
    public static void Equal(WebhookSubscription expected, WebhookSubscription? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.TenantId, actual.TenantId);
        Assert.Equal(expected.Url, actual.Url);
        Assert.Equal(expected.EventPatterns, actual.EventPatterns);
        Assert.Equal(expected.Secrets.Count, actual.Secrets.Count);
        for (var i = 0; i < expected.Secrets.Count; i++)
        {
            Assert.Equal(expected.Secrets[i].Secret, actual.Secrets[i].Secret);
            Assert.Equal(expected.Secrets[i].ExpiresAt, actual.Secrets[i].ExpiresAt);
        }

        Assert.Equal(expected.State, actual.State);
        Assert.Equal(expected.DisabledReason, actual.DisabledReason);
        Assert.Equal(expected.Description, actual.Description);
        Assert.Equal(expected.MaxAttempts, actual.MaxAttempts);
        Assert.Equal(expected.RetrySchedule, actual.RetrySchedule);
        Assert.Equal(expected.Timeout, actual.Timeout);
        Assert.Equal(expected.Headers?.OrderBy(p => p.Key), actual.Headers?.OrderBy(p => p.Key));
        Assert.Equal(expected.Metadata?.OrderBy(p => p.Key), actual.Metadata?.OrderBy(p => p.Key));
        Assert.Equal(
            expected.Filters?.Select(f => (f.Attribute, f.Operator, string.Join('\u001F', f.Values))),
            actual.Filters?.Select(f => (f.Attribute, f.Operator, string.Join('\u001F', f.Values))));
        Assert.Equal(expected.RateLimitPerSecond, actual.RateLimitPerSecond);
        Assert.Equal(expected.SignatureProfile, actual.SignatureProfile);
        Assert.Equal(expected.Envelope, actual.Envelope);
        Assert.Equal(expected.CreatedAt, actual.CreatedAt);
        Assert.Equal(expected.UpdatedAt, actual.UpdatedAt);
    }

    public static void Equal(WebhookMessage expected, WebhookMessage? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.TenantId, actual.TenantId);
        Assert.Equal(expected.EventType, actual.EventType);
        Assert.Equal(expected.Timestamp, actual.Timestamp);
        Assert.Equal(expected.Actor, actual.Actor);
        Assert.Equal(expected.Data.ToArray(), actual.Data.ToArray());
        Assert.Equal(expected.IdempotencyKey, actual.IdempotencyKey);
        Assert.Equal(expected.TraceParent, actual.TraceParent);
    }
}
