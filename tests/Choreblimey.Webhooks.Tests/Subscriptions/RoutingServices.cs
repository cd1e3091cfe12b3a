using Microsoft.Extensions.DependencyInjection;

namespace Choreblimey.Webhooks.Tests.Subscriptions;

/// <summary>A service provider with webhooks registered but no host started (no worker), for fast manager and router tests.</summary>
internal static class RoutingServices
{
    public static ServiceProvider Create(Action<IWebhooksBuilder>? configure = null, TimeProvider? timeProvider = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        var webhooks = services.AddWebhooks();
        webhooks.AddEvent("booking.created", "Bookings");
        webhooks.AddEvent("booking.rescheduled", "Bookings");
        webhooks.AddEvent("chore:created", "Chores");
        webhooks.AddEvent("item.stock_changed", "Inventory");
        configure?.Invoke(webhooks);
        if (timeProvider is not null)
        {
            services.AddSingleton(timeProvider);
        }

        return services.BuildServiceProvider();
    }

    public static WebhookSubscriptionRequest Request(params string[] events) => RequestTo("https://receiver.example/hooks", events);

    public static WebhookSubscriptionRequest RequestTo(string url, params string[] events) =>
        new() { Url = url, EventTypes = events.Length == 0 ? ["*"] : events };
}
