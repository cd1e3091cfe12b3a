using Choreblimey.Webhooks.Testing.Support;

namespace Choreblimey.Webhooks.Storage.Tests.Crash;

/// <summary>The one subscription every crash test creates directly in the store before any harness process starts.</summary>
internal static class CrashSubscriptions
{
    public const string Tenant = "crash-tenant";

    public static WebhookSubscription Create(Uri url, WebhookSecret secret)
    {
        var now = DateTimeOffset.UtcNow;
        return new WebhookSubscription
        {
            Id = "sub_crash_" + Guid.NewGuid().ToString("N")[..12],
            TenantId = Tenant,
            Url = url,
            EventPatterns = ["crash:*"],
            Secrets = [new WebhookSigningSecret(secret)],
            Description = "crash test receiver",
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

    /// <summary>Reads every delivery of the crash tenant from <paramref name="store"/>.</summary>
    public static Task<IReadOnlyList<WebhookDelivery>> AllDeliveriesAsync(IWebhookStore store) => StoreReading.AllDeliveriesAsync(store, Tenant);
}
