using Choreblimey.Webhooks.Testing;
using Choreblimey.Webhooks.Testing.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Choreblimey.Webhooks.Tests;

/// <summary>Builds a service provider with webhooks registered and a fake clock, without a host (nothing runs in the background).</summary>
internal static class TestServices
{
    public static readonly DateTimeOffset Start = new(2026, 3, 4, 5, 6, 7, TimeSpan.Zero);

    public static ServiceProvider Build(
        Action<IWebhooksBuilder> configure,
        Action<WebhookOptions>? options = null,
        WebhookTestClock? clock = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(clock ?? new WebhookTestClock(Start));
        var webhooks = services.AddWebhooks(o =>
        {
            o.Retry.JitterFactor = 0;
            options?.Invoke(o);
        });
        configure(webhooks);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
    }

    public static WebhookSubscription Subscription(
        string id,
        string tenantId,
        IReadOnlyList<string> patterns,
        WebhookSubscriptionState state = WebhookSubscriptionState.Active,
        IReadOnlyList<TimeSpan>? retrySchedule = null,
        Uri? url = null) => new()
        {
            Id = id,
            TenantId = tenantId,
            Url = url ?? new Uri("https://hooks.example.com/" + id),
            EventPatterns = patterns,
            Secrets = [new WebhookSigningSecret(WebhookSecret.Generate())],
            State = state,
            RetrySchedule = retrySchedule,
        };
}
