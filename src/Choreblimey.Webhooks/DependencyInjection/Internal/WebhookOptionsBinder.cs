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
        // Read as endpoints read theirs: a list (Schedule:0, Schedule:1, ...) or one comma-separated value, each checked
        // for bare numbers. The binder's own TimeSpan[] reading ignored a comma-separated value and kept the default.
        var configured = WebhookConfigurationTimeSpans.ReadList(configuration.GetSection("Retry:Schedule"));
        options.Retry.UseSchedule(configured is null ? defaultSchedule : [.. configured]);
    }
}
