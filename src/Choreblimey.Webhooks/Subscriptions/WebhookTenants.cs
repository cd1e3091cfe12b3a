namespace Choreblimey.Webhooks;

/// <summary>Tenant ids with a meaning of their own.</summary>
public static class WebhookTenants
{
    /// <summary>
    /// The tenant of host-level subscriptions: they receive the matching events of every tenant. Endpoints from configuration
    /// and the environment conventions (<c>WEBHOOK_URL</c>) belong to it unless they name a tenant. Hosts create such
    /// subscriptions for their own integrations only; events cannot be published to it.
    /// </summary>
    public const string All = "*";

    /// <summary>The tenant of single-tenant hosts, used when no tenant is given.</summary>
    public const string Default = "";
}
