using Choreblimey.Webhooks.Signing.Internal;
using Microsoft.Extensions.Options;

namespace Choreblimey.Webhooks.DependencyInjection.Internal;

/// <summary>
/// The rules of the <see cref="WebhookOptions"/> that depend on what was registered or declared (secret rotation, event
/// time to live, default signature profile, per event type retention).
/// </summary>
internal sealed class WebhookRoutingOptionsValidator(WebhookSignatureProfileRegistry profiles, IWebhookEventRegistry events) : IValidateOptions<WebhookOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhookOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.SecretRotationWindow < TimeSpan.Zero || options.SecretRotationWindow > TimeSpan.FromDays(30))
        {
            failures.Add($"WebhookOptions.SecretRotationWindow must be between 0 and 30 days; it is {options.SecretRotationWindow}.");
        }

        if (options.EventTimeToLive is { } ttl && ttl <= TimeSpan.Zero)
        {
            failures.Add($"WebhookOptions.EventTimeToLive must be more than 0 when set; it is {ttl}.");
        }

        if (options.DefaultSignatureProfile is { } profile && !profiles.Contains(profile))
        {
            failures.Add($"WebhookOptions.DefaultSignatureProfile '{profile}' is not a signature profile; known: {string.Join(", ", profiles.Names.Order(StringComparer.OrdinalIgnoreCase))}.");
        }

        // The purge matches event types exactly: a misspelt key would silently keep that event for the default TTLs.
        foreach (var eventType in options.Retention.PerEventType.Keys)
        {
            if (!events.TryGetEvent(eventType, out _))
            {
                var closest = events.FindClosestNames(eventType);
                failures.Add($"WebhookOptions.Retention.PerEventType[{eventType}] names no declared event type"
                    + (closest.Count > 0 ? $" (closest: '{string.Join("', '", closest)}')" : string.Empty)
                    + "; the purge matches declared event types exactly, so it would keep this one for the default TTLs.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
