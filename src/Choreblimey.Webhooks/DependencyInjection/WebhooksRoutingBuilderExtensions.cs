using Choreblimey.Webhooks;
using Choreblimey.Webhooks.DependencyInjection.Internal;
using Choreblimey.Webhooks.Signing.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Endpoints from configuration, host environment conventions, destination maps, signature profiles and envelope formats,
/// on the builder returned by <c>AddWebhooks()</c>.
/// </summary>
public static class WebhooksRoutingBuilderExtensions
{
    /// <summary>
    /// Stores the endpoints listed under <c>Endpoints</c> of <paramref name="webhooksSection"/> (usually the <c>Webhooks</c>
    /// section) as subscriptions when the host starts, before the delivery worker runs. Each entry has <c>Url</c> and optionally
    /// <c>Name</c>, <c>EventTypes</c> (a list or a comma-separated value; every event when absent), <c>Secret</c>, <c>TenantId</c>,
    /// <c>Headers</c>, <c>Metadata</c>, <c>SignatureProfile</c>, <c>Envelope</c>, <c>Description</c>, <c>MaxAttempts</c>,
    /// <c>RetrySchedule</c> (a list or a comma-separated value of <c>[d.]hh:mm:ss</c> durations), <c>Timeout</c>,
    /// <c>RateLimitPerSecond</c> and <c>Filters</c> (<c>Attribute</c>, <c>Operator</c>, <c>Values</c>). Keys match without regard
    /// to case; any other key fails the host start, naming its configuration path and the accepted keys.
    /// The subscription id is <c>sub_cfg_</c> + the name (or the list index), so restarts and other instances update the
    /// same subscription instead of adding one; an endpoint of a tenant has the tenant in it too (<c>sub_cfg_family-1__crm</c>),
    /// because subscription ids are unique across tenants. Without <c>Secret</c> a secret is generated once and kept.
    /// Name every entry: an unnamed entry's id is its index, which changes when an entry before it is removed. Configured
    /// subscriptions that no configuration source declares any more are deleted at start in the tenants the configuration
    /// names, the host-level and the default tenant; one of a tenant no longer named at all stays until deleted by hand.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="webhooksSection">The section holding <c>Endpoints</c>.</param>
    /// <returns>The builder.</returns>
    public static IWebhooksBuilder AddEndpointsFromConfiguration(this IWebhooksBuilder builder, IConfiguration webhooksSection)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(webhooksSection);
        return builder.AddEndpointSource(_ => WebhookConfigurationReader.ReadEndpoints(webhooksSection));
    }

    /// <summary>
    /// Applies the environment variable conventions of existing hosts (see <see cref="WebhookEnvironmentVariables"/>):
    /// <list type="bullet">
    /// <item><c>WEBHOOK_ENABLED=false</c>: publishing is a no-op whose receipt says <see cref="WebhookPublishStatus.Disabled"/>; nothing is stored or sent.</item>
    /// <item><c>WEBHOOK_URL</c> (+ <c>WEBHOOK_SECRET</c>, <c>WEBHOOK_SIGNATURE_PROFILE</c>, <c>WEBHOOK_ENVELOPE</c>, <c>WEBHOOK_TENANT_ID</c>):
    /// one host-level endpoint <c>sub_cfg_env</c> for every event of every tenant (or <c>sub_cfg_&lt;tenant&gt;__env</c> for only
    /// the events of <c>WEBHOOK_TENANT_ID</c>).</item>
    /// <item><c>WEBHOOK_MAX_RETRIES</c> (retries after the first attempt) and <c>WEBHOOK_RETRY_DELAY</c> (ms; retries wait d, 2d, 4d, ...).</item>
    /// <item><c>WEBHOOK_EVENT_TTL</c> (s; how long the delivery log is kept: both <see cref="WebhookRetentionOptions.SucceededTtl"/> and <see cref="WebhookRetentionOptions.FailedTtl"/>) and <c>WEBHOOK_TIMEOUT</c> (ms; <see cref="WebhookOptions.AttemptTimeout"/>).</item>
    /// </list>
    /// Invalid values fail host start with a message naming the variable.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configuration">The configuration holding the variables (for example one with <c>AddEnvironmentVariables()</c>).</param>
    /// <returns>The builder.</returns>
    public static IWebhooksBuilder AddEnvironmentConventions(this IWebhooksBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        builder.Services.Configure<WebhookOptions>(options => WebhookConfigurationReader.ApplyEnvironmentOptions(options, configuration));
        return builder.AddEndpointSource(_ => WebhookConfigurationReader.ReadEnvironmentEndpoint(configuration));
    }

    /// <summary>
    /// Routes events to destination URLs read from the host's <see cref="IConfiguration"/> (see <see cref="WebhookDestinationMap"/>).
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Adds the routes.</param>
    /// <returns>The builder.</returns>
    public static IWebhooksBuilder MapDestinations(this IWebhooksBuilder builder, Action<WebhookDestinationMap> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var map = new WebhookDestinationMap();
        configure(map);
        return builder.AddEndpointSource(services => WebhookConfigurationReader.ReadDestinations(map, services.GetRequiredService<IConfiguration>()));
    }

    /// <summary>Routes events to destination URLs read from <paramref name="configuration"/> (see <see cref="WebhookDestinationMap"/>).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configuration">The configuration holding the URL keys.</param>
    /// <param name="configure">Adds the routes.</param>
    /// <returns>The builder.</returns>
    public static IWebhooksBuilder MapDestinations(this IWebhooksBuilder builder, IConfiguration configuration, Action<WebhookDestinationMap> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(configure);
        var map = new WebhookDestinationMap();
        configure(map);
        return builder.AddEndpointSource(_ => WebhookConfigurationReader.ReadDestinations(map, configuration));
    }

    /// <summary>
    /// Registers a signature profile that subscriptions can select by name. The built-ins are <c>standard</c> (the default),
    /// <c>choreblimey</c>, <c>jossiedb</c> and <c>github</c>; a profile with the same name replaces one registered before.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="profile">The profile.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">
    /// A header name of the profile is empty, not an HTTP token, named twice, or one the library sets on every request
    /// (<c>webhook-id</c>, <c>webhook-timestamp</c>, <c>User-Agent</c>, <c>traceparent</c>, <c>Content-Type</c>,
    /// <c>Content-Length</c>, <c>Host</c>).
    /// </exception>
    public static IWebhooksBuilder AddSignatureProfile(this IWebhooksBuilder builder, WebhookSignatureProfile profile)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(profile);
        WebhookSignatureProfileRules.Validate(profile);
        builder.Services.AddSingleton(profile);
        return builder;
    }

    /// <summary>
    /// Registers an envelope format that subscriptions can select by name. The built-ins are <c>default</c> and <c>make</c>;
    /// a format with the same name replaces one registered before.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="formatter">The formatter (a singleton).</param>
    /// <returns>The builder.</returns>
    public static IWebhooksBuilder AddEnvelopeFormatter(this IWebhooksBuilder builder, IWebhookEnvelopeFormatter formatter)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(formatter);
        builder.Services.AddSingleton(formatter);
        return builder;
    }

    private static IWebhooksBuilder AddEndpointSource(this IWebhooksBuilder builder, Func<IServiceProvider, IEnumerable<WebhookConfiguredEndpoint>> resolve)
    {
        builder.Services.AddSingleton(new WebhookEndpointSource(resolve));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, WebhookConfiguredEndpointsInitializer>());
        return builder;
    }
}
