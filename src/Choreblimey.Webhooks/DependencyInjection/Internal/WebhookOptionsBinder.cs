using Microsoft.Extensions.Configuration;

namespace Choreblimey.Webhooks.DependencyInjection.Internal;

/// <summary>Binds <see cref="WebhookOptions"/> from configuration.</summary>
internal static class WebhookOptionsBinder
{
    public static void Bind(WebhookOptions options, IConfiguration configuration)
    {
        // The binder appends to existing list items, so a configured schedule would be added to the default one.
        var defaultSchedule = options.Retry.Schedule.ToArray();
        WebhookConfigurationTimeSpans.Bind(configuration, options);
        var scheduleSection = configuration.GetSection("Retry:Schedule");
        var configured = scheduleSection.Exists() ? scheduleSection.Get<TimeSpan[]>() : null;
        options.Retry.UseSchedule(configured ?? defaultSchedule);
    }
}
