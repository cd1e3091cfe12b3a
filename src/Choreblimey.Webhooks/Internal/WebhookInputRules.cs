namespace Choreblimey.Webhooks.Internal;

/// <summary>Length and character rules for the identifiers callers pass in (tenant ids, actors, idempotency keys).</summary>
internal static class WebhookInputRules
{
    /// <summary>
    /// Gets the tenant a call names (<see langword="null"/> is the default tenant), checked as every write checks it, so a
    /// call naming an id no write could have stored (too long, a space or control character pasted with it) is refused as
    /// the caller's mistake instead of answered as "not found" or "nothing".
    /// </summary>
    public static string TenantOrDefault(string? tenantId, string paramName)
    {
        var tenant = tenantId ?? WebhookTenants.Default;
        EnsureValidTenantId(tenant, paramName);
        return tenant;
    }

    public static void EnsureValidTenantId(string tenantId, string paramName)
    {
        if (tenantId.Length > WebhookConstants.MaxTenantIdLength)
        {
            throw new ArgumentException($"A tenant id must be at most {WebhookConstants.MaxTenantIdLength} characters; this one has {tenantId.Length}.", paramName);
        }

        EnsurePrintable(tenantId, "tenant id", paramName);
    }

    public static void EnsureValidActor(string? actor, string paramName)
    {
        if (actor is null)
        {
            return;
        }

        if (actor.Length > WebhookConstants.MaxActorLength)
        {
            throw new ArgumentException($"An actor must be at most {WebhookConstants.MaxActorLength} characters; this one has {actor.Length}.", paramName);
        }

        EnsurePrintable(actor, "actor", paramName);
    }

    public static void EnsureValidIdempotencyKey(string? key, string paramName)
    {
        if (key is null)
        {
            return;
        }

        if (key.Length is 0 or > WebhookConstants.MaxIdempotencyKeyLength)
        {
            throw new ArgumentException($"An idempotency key must be 1 to {WebhookConstants.MaxIdempotencyKeyLength} characters; this one has {key.Length}.", paramName);
        }

        EnsurePrintable(key, "idempotency key", paramName);
    }

    private static void EnsurePrintable(string value, string what, string paramName)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c < 0x21 || c > 0x7E)
            {
                throw new ArgumentException($"A {what} may contain only printable ASCII characters without spaces; found U+{(int)c:X4} at position {i}.", paramName);
            }
        }
    }
}
