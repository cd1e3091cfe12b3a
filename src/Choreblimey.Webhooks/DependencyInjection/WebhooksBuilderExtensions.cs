using Choreblimey.Webhooks;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Configures webhooks on the builder returned by <c>AddWebhooks()</c>.</summary>
public static class WebhooksBuilderExtensions
{
    /// <summary>Declares an event type.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The event name, such as <c>chore:created</c> or <c>booking.created</c>.</param>
    /// <param name="category">The category it is listed under (for example <c>Chores</c>).</param>
    /// <param name="description">What the event means, for the partner contract.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">The name is not a valid event name, or the category is empty.</exception>
    /// <exception cref="InvalidOperationException">The name is already declared.</exception>
    public static IWebhooksBuilder AddEvent(this IWebhooksBuilder builder, string name, string category, string? description = null) =>
        builder.AddEvent(Definition(name, category, description, payloadType: null));

    /// <summary>Declares an event type with its payload type.</summary>
    /// <typeparam name="TPayload">The payload's CLR type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The event name.</param>
    /// <param name="category">The category it is listed under.</param>
    /// <param name="description">What the event means, for the partner contract.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">The name is not a valid event name, or the category is empty.</exception>
    /// <exception cref="InvalidOperationException">The name is already declared.</exception>
    public static IWebhooksBuilder AddEvent<TPayload>(this IWebhooksBuilder builder, string name, string category, string? description = null) =>
        builder.AddEvent(Definition(name, category, description, typeof(TPayload)));

    /// <summary>Declares an event type.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="definition">The event definition.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">The name is not a valid event name, the category is empty or the version is below 1.</exception>
    /// <exception cref="InvalidOperationException">The name is already declared.</exception>
    public static IWebhooksBuilder AddEvent(this IWebhooksBuilder builder, WebhookEventDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        Registration(builder).Events.Add(definition);
        return builder;
    }

    /// <summary>Declares several event types.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="definitions">The event definitions.</param>
    /// <returns>The builder.</returns>
    public static IWebhooksBuilder AddEvents(this IWebhooksBuilder builder, IEnumerable<WebhookEventDefinition> definitions)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        foreach (var definition in definitions)
        {
            builder.AddEvent(definition);
        }

        return builder;
    }

    /// <summary>Configures the webhook options.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Configures the options.</param>
    /// <returns>The builder.</returns>
    public static IWebhooksBuilder Configure(this IWebhooksBuilder builder, Action<WebhookOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        return builder;
    }

    /// <summary>Customises the typed HttpClient that sends deliveries (handlers, primary handler, client settings).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Configures the <see cref="IHttpClientBuilder"/>.</param>
    /// <returns>The builder.</returns>
    public static IWebhooksBuilder ConfigureHttpClient(this IWebhooksBuilder builder, Action<IHttpClientBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        configure(Registration(builder).HttpClient);
        return builder;
    }

    /// <summary>Uses the in-memory store (the default). Not durable: pending deliveries are lost when the process exits.</summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IWebhooksBuilder UseInMemoryStore(this IWebhooksBuilder builder) =>
        builder.UseStore(static _ => new InMemoryWebhookStore());

    /// <summary>Uses a store created by <paramref name="factory"/>, replacing any store registered before.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="factory">Creates the store (once; it is a singleton).</param>
    /// <returns>The builder.</returns>
    public static IWebhooksBuilder UseStore(this IWebhooksBuilder builder, Func<IServiceProvider, IWebhookStore> factory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(factory);
        builder.Services.Replace(ServiceDescriptor.Singleton(factory));
        return builder;
    }

    /// <summary>Uses a store type resolved from the container, replacing any store registered before.</summary>
    /// <typeparam name="TStore">The store type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IWebhooksBuilder UseStore<TStore>(this IWebhooksBuilder builder)
        where TStore : class, IWebhookStore
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<IWebhookStore, TStore>());
        return builder;
    }

    // The name is checked here so that its error names the caller's parameter, not the definition built from it.
    private static WebhookEventDefinition Definition(string name, string category, string? description, Type? payloadType)
    {
        WebhookEventName.EnsureValid(name, nameof(name));
        return new WebhookEventDefinition { Name = name, Category = category, Description = description, PayloadType = payloadType };
    }

    private static Choreblimey.Webhooks.DependencyInjection.Internal.WebhooksRegistration Registration(IWebhooksBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder is WebhooksBuilder concrete
            ? concrete.Registration
            : builder.Services.AddWebhooks() is WebhooksBuilder added ? added.Registration : throw new InvalidOperationException("AddWebhooks() did not return its own builder.");
    }
}
