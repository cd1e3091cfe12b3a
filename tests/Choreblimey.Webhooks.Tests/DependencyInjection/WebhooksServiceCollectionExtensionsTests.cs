using Choreblimey.Webhooks.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Choreblimey.Webhooks.Tests.DependencyInjection;

public sealed class WebhooksServiceCollectionExtensionsTests
{
    [Fact]
    public async Task Adding_webhooks_twice_registers_everything_once_and_shares_the_event_catalog()
    {
        var services = new ServiceCollection();
        services.AddLogging();

        var first = services.AddWebhooks().AddEvent("booking.created", "Bookings");
        var second = services.AddWebhooks(o => o.MaxPayloadBytes = 1234).AddEvent("chore:created", "Chores");

        Assert.Equal(4, services.Count(d => d.ServiceType == typeof(IHostedService))); // worker, backlog monitor, retention purge, transport check
        Assert.Single(services, d => d.ServiceType == typeof(IWebhookPublisher));
        Assert.Single(services, d => d.ServiceType == typeof(IWebhookSubscriptionManager));
        Assert.Single(services, d => d.ServiceType == typeof(IWebhookStore));
        Assert.Single(services, d => d.ServiceType == typeof(IWebhookEventRegistry));
        Assert.Single(services, d => d.ServiceType == typeof(IValidateOptions<WebhookOptions>) && d.ImplementationType?.Name == "WebhookOptionsValidator");
        Assert.Same(first.Services, second.Services);

        await using var provider = services.BuildServiceProvider();
        var registry = provider.GetRequiredService<IWebhookEventRegistry>();
        Assert.True(registry.TryGetEvent("booking.created", out _));
        Assert.True(registry.TryGetEvent("chore:created", out _));
        Assert.Equal(1234, provider.GetRequiredService<IOptions<WebhookOptions>>().Value.MaxPayloadBytes);
    }

    [Fact]
    public void Operational_events_may_be_added_twice_and_are_declared_once()
    {
        var services = new ServiceCollection();
        services.AddWebhooks().AddOperationalEvents();
        services.AddWebhooks().AddOperationalEvents();

        using var provider = services.BuildServiceProvider();
        var registry = provider.GetRequiredService<IWebhookEventRegistry>();
        Assert.Equal(2, registry.Count);
        Assert.True(registry.TryGetEvent(WebhookOperationalEvents.EndpointDisabled, out _));
        Assert.True(registry.TryGetEvent(WebhookOperationalEvents.DeliveryDeadLettered, out _));
    }

    [Fact]
    public void An_invalid_event_name_names_the_name_parameter()
    {
        var untyped = Assert.Throws<ArgumentException>(() => new ServiceCollection().AddWebhooks().AddEvent("Bad Name", "Chores"));
        var typed = Assert.Throws<ArgumentException>(() => new ServiceCollection().AddWebhooks().AddEvent<string>("Bad Name", "Chores"));

        Assert.Equal("name", untyped.ParamName);
        Assert.Equal("name", typed.ParamName);
        Assert.Contains("'Bad Name'", untyped.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Declaring_the_same_event_twice_throws_naming_it()
    {
        var services = new ServiceCollection();
        services.AddWebhooks().AddEvent("booking.created", "Bookings");

        var exception = Assert.Throws<InvalidOperationException>(() => services.AddWebhooks().AddEvent("booking.created", "Other"));

        Assert.Contains("'booking.created'", exception.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddWebhooks().AddEvent("a.b", "X").AddEvent("a.b", "X"));
    }

    public static TheoryData<string, string> InvalidOptions => new()
    {
        { "MaxConcurrentDeliveries=0", "MaxConcurrentDeliveries" },
        { "MaxConcurrentDeliveriesPerEndpoint=0", "MaxConcurrentDeliveriesPerEndpoint" },
        { "ClaimBatchSize=0", "ClaimBatchSize" },
        { "MaxPayloadBytes=0", "MaxPayloadBytes" },
        { "AttemptTimeout=0", "AttemptTimeout" },
        { "AttemptTimeout=6min", "AttemptTimeout" },
        { "Retry.Schedule=[]", "Retry.Schedule" },
        { "Retry.Schedule=[-1s]", "Retry.Schedule[0]" },
        { "LeaseDuration=AttemptTimeout", "LeaseDuration" },
        { "LeaseDuration<AttemptTimeout", "LeaseDuration" },
        { "PollInterval=0", "PollInterval" },
        { "JitterFactor=1.5", "JitterFactor" },
        { "MinRetryAfter>MaxRetryAfter", "MinRetryAfter" },
        { "MaxRetryAfter=8d", "WebhookOptions.Retry.MaxRetryAfter must be at most 7 days" },
        { "Retention.BatchSize=0", "WebhookOptions.Retention.BatchSize must be between 1 and 100,000 rows; it is 0." },
        { "Retention.PerEventType[undeclared]", "WebhookOptions.Retention.PerEventType[chore.typo] names no declared event type; the purge matches" },
        { "WorkerId=\"\"", "WorkerId" },
        { "Retention.Interval=0", "Retention.Interval" },
        { "Retention.Interval=-1h", "Retention.Interval" },
        { "Retention.SucceededTtl=-1d", "Retention.SucceededTtl" },
        { "Retention.FailedTtl=MaxValue", "Retention.FailedTtl" },
        { "Retention.PerEventType[error.occurred]=-1d", "Retention.PerEventType[error.occurred]" },
        { "Monitoring.BacklogSampleInterval=0", "Monitoring.BacklogSampleInterval" },
        { "Monitoring.BacklogSampleInterval=-1s", "Monitoring.BacklogSampleInterval" },
        { "Monitoring.DeadLetterWindow=-1h", "Monitoring.DeadLetterWindow" },
        { "Monitoring.DegradedBacklogAge=-1min", "Monitoring.DegradedBacklogAge" },
        { "Monitoring.UnhealthyDeadLetters=-1", "Monitoring.UnhealthyDeadLetters" },
        { "Health.DisableAfterConsecutiveFailures=-1", "Health.DisableAfterConsecutiveFailures" },
        { "Monitoring.FailureRateWindow=0", "Monitoring.FailureRateWindow" },
        { "Monitoring.FailureRateMinimumAttempts=0", "Monitoring.FailureRateMinimumAttempts" },
        { "Monitoring.DegradedFailureRate=1.5", "Monitoring.DegradedFailureRate" },
        { "Health.DisableAfterFailingFor=-1d", "Health.DisableAfterFailingFor" },
    };

    private static void Apply(string change, WebhookOptions o)
    {
        switch (change)
        {
            case "MaxConcurrentDeliveries=0": o.MaxConcurrentDeliveries = 0; break;
            case "MaxConcurrentDeliveriesPerEndpoint=0": o.MaxConcurrentDeliveriesPerEndpoint = 0; break;
            case "ClaimBatchSize=0": o.ClaimBatchSize = 0; break;
            case "MaxPayloadBytes=0": o.MaxPayloadBytes = 0; break;
            case "AttemptTimeout=0": o.AttemptTimeout = TimeSpan.Zero; break;
            case "AttemptTimeout=6min": o.AttemptTimeout = TimeSpan.FromMinutes(6); o.LeaseDuration = TimeSpan.FromMinutes(10); break;
            case "Retry.Schedule=[]": o.Retry.Schedule.Clear(); break;
            case "Retry.Schedule=[-1s]": o.Retry.UseSchedule(TimeSpan.FromSeconds(-1)); break;
            case "LeaseDuration=AttemptTimeout": o.LeaseDuration = o.AttemptTimeout; break;
            case "LeaseDuration<AttemptTimeout": o.LeaseDuration = TimeSpan.FromSeconds(10); break;
            case "PollInterval=0": o.PollInterval = TimeSpan.Zero; break;
            case "JitterFactor=1.5": o.Retry.JitterFactor = 1.5; break;
            case "MinRetryAfter>MaxRetryAfter": o.Retry.MinRetryAfter = TimeSpan.FromHours(2); break;
            case "MaxRetryAfter=8d": o.Retry.MaxRetryAfter = TimeSpan.FromDays(8); break;
            case "Retention.BatchSize=0": o.Retention.BatchSize = 0; break;
            case "Retention.PerEventType[undeclared]": o.Retention.PerEventType["chore.typo"] = TimeSpan.FromDays(90); break;
            case "WorkerId=\"\"": o.WorkerId = ""; break;
            case "Retention.Interval=0": o.Retention.Interval = TimeSpan.Zero; break;
            case "Retention.Interval=-1h": o.Retention.Interval = TimeSpan.FromHours(-1); break;
            case "Retention.SucceededTtl=-1d": o.Retention.SucceededTtl = TimeSpan.FromDays(-1); break;
            case "Retention.FailedTtl=MaxValue": o.Retention.FailedTtl = TimeSpan.MaxValue; break;
            case "Retention.PerEventType[error.occurred]=-1d": o.Retention.PerEventType["error.occurred"] = TimeSpan.FromDays(-1); break;
            case "Monitoring.BacklogSampleInterval=0": o.Monitoring.BacklogSampleInterval = TimeSpan.Zero; break;
            case "Monitoring.BacklogSampleInterval=-1s": o.Monitoring.BacklogSampleInterval = TimeSpan.FromSeconds(-1); break;
            case "Monitoring.DeadLetterWindow=-1h": o.Monitoring.DeadLetterWindow = TimeSpan.FromHours(-1); break;
            case "Monitoring.DegradedBacklogAge=-1min": o.Monitoring.DegradedBacklogAge = TimeSpan.FromMinutes(-1); break;
            case "Monitoring.UnhealthyDeadLetters=-1": o.Monitoring.UnhealthyDeadLetters = -1; break;
            case "Health.DisableAfterConsecutiveFailures=-1": o.Health.DisableAfterConsecutiveFailures = -1; break;
            case "Monitoring.FailureRateWindow=0": o.Monitoring.FailureRateWindow = TimeSpan.Zero; break;
            case "Monitoring.FailureRateMinimumAttempts=0": o.Monitoring.FailureRateMinimumAttempts = 0; break;
            case "Monitoring.DegradedFailureRate=1.5": o.Monitoring.DegradedFailureRate = 1.5; break;
            case "Health.DisableAfterFailingFor=-1d": o.Health.DisableAfterFailingFor = TimeSpan.FromDays(-1); break;
            default: throw new ArgumentOutOfRangeException(nameof(change), change, null);
        }
    }

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public async Task Invalid_options_fail_at_start_naming_the_option(string change, string optionName)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddWebhooks(o => Apply(change, o));
        using var host = builder.Build();

        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(optionName, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Per_event_retention_for_a_misspelt_event_fails_at_start_naming_the_closest_declared_one()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddWebhooks(o => o.Retention.PerEventType["error.ocurred"] = TimeSpan.FromDays(90))
            .AddEvent("error.occurred", "Errors");
        using var host = builder.Build();

        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(
            "WebhookOptions.Retention.PerEventType[error.ocurred] names no declared event type (closest: 'error.occurred'); the purge "
            + "matches declared event types exactly, so it would keep this one for the default TTLs.",
            exception.Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Default_options_start()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddWebhooks();
        using var host = builder.Build();

        await host.StartAsync();

        // Started with its worker among the hosted services, and the defaults as documented.
        Assert.True(host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStarted.IsCancellationRequested);
        Assert.Contains(host.Services.GetServices<IHostedService>(), s => s is Choreblimey.Webhooks.Delivery.Internal.WebhookDeliveryWorker);
        var options = host.Services.GetRequiredService<IOptions<WebhookOptions>>().Value;
        Assert.True(options.Enabled);
        Assert.Equal(WebhookConstants.DefaultMaxConcurrentDeliveries, options.MaxConcurrentDeliveries);
        Assert.IsType<InMemoryWebhookStore>(host.Services.GetRequiredService<IWebhookStore>());
        await host.StopAsync();
    }

    private static WebhookOptions Bind(Dictionary<string, string?> values)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddWebhooks(configuration.GetSection("Webhooks"));
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<WebhookOptions>>().Value;
    }

    [Fact]
    public void Binds_options_from_configuration_replacing_the_default_schedule()
    {
        var options = Bind(new()
        {
            ["Webhooks:Enabled"] = "false",
            ["Webhooks:AttemptTimeout"] = "00:00:10",
            ["Webhooks:MaxConcurrentDeliveries"] = "7",
            ["Webhooks:Retry:Schedule:0"] = "00:00:00",
            ["Webhooks:Retry:Schedule:1"] = "00:00:30",
            ["Webhooks:Retry:Schedule:2"] = "00:15:00",
            ["Webhooks:Retry:JitterFactor"] = "0.1",
            ["Webhooks:CircuitBreaker:Enabled"] = "false",
        });

        Assert.False(options.Enabled);
        Assert.Equal(TimeSpan.FromSeconds(10), options.AttemptTimeout);
        Assert.Equal(7, options.MaxConcurrentDeliveries);
        Assert.Equal([TimeSpan.Zero, TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(15)], options.Retry.Schedule);
        Assert.Equal(0.1, options.Retry.JitterFactor);
        Assert.False(options.CircuitBreaker.Enabled);
    }

    [Fact]
    public void Binding_without_a_schedule_keeps_the_default_schedule()
    {
        var options = Bind(new() { ["Webhooks:Enabled"] = "true" });

        Assert.Equal(new WebhookOptions().Retry.Schedule, options.Retry.Schedule);
    }

    [Fact]
    public void A_bound_schedule_replaces_one_configured_in_code_before_it()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Retry:Schedule:0"] = "00:00:01",
        }).Build();
        var services = new ServiceCollection();
        services.AddWebhooks(o => o.Retry.UseSchedule(TimeSpan.Zero, TimeSpan.FromHours(1)));
        services.AddWebhooks(configuration);
        using var provider = services.BuildServiceProvider();

        Assert.Equal([TimeSpan.FromSeconds(1)], provider.GetRequiredService<IOptions<WebhookOptions>>().Value.Retry.Schedule);
    }

    [Fact]
    public async Task Use_store_replaces_the_default_store()
    {
        var services = new ServiceCollection();
        var store = new InMemoryWebhookStore();

        services.AddWebhooks().UseStore(_ => store);

        Assert.Single(services, d => d.ServiceType == typeof(IWebhookStore));
        services.AddLogging();
        await using var provider = services.BuildServiceProvider();
        Assert.Same(store, provider.GetRequiredService<IWebhookStore>());
    }

    [Fact]
    public async Task Use_store_of_a_type_replaces_the_default_store()
    {
        var services = new ServiceCollection();

        services.AddWebhooks().UseStore(_ => new InMemoryWebhookStore()).UseStore<CustomStore>();

        Assert.Single(services, d => d.ServiceType == typeof(IWebhookStore));
        await using var provider = services.BuildServiceProvider();
        Assert.IsType<CustomStore>(provider.GetRequiredService<IWebhookStore>());
    }

    [Fact]
    public void Configure_http_client_receives_the_named_client_builder()
    {
        var services = new ServiceCollection();
        IHttpClientBuilder? received = null;

        var webhooks = services.AddWebhooks().ConfigureHttpClient(http => received = http);

        Assert.NotNull(received);
        Assert.Equal("Choreblimey.Webhooks", received.Name);
        received.Services.AddSingleton<Marker>();
        Assert.Contains(services, d => d.ServiceType == typeof(Marker));
        IHttpClientBuilder? again = null;
        webhooks.ConfigureHttpClient(http => again = http);
        Assert.Same(received, again);
    }

    [Fact]
    public async Task A_time_provider_registered_before_add_webhooks_is_kept()
    {
        var services = new ServiceCollection();
        var clock = new Choreblimey.Webhooks.Testing.WebhookTestClock();
        services.AddSingleton<TimeProvider>(clock);

        services.AddWebhooks();

        Assert.Single(services, d => d.ServiceType == typeof(TimeProvider));
        await using var provider = services.BuildServiceProvider();
        Assert.Same(clock, provider.GetRequiredService<TimeProvider>());
    }

    private sealed class Marker;

    private sealed class CustomStore : IWebhookStore
    {
        private readonly InMemoryWebhookStore _inner = new();

        public ValueTask CreateSubscriptionAsync(WebhookSubscription subscription, CancellationToken cancellationToken = default) => _inner.CreateSubscriptionAsync(subscription, cancellationToken);

        public ValueTask<WebhookSubscription?> GetSubscriptionAsync(string tenantId, string subscriptionId, CancellationToken cancellationToken = default) => _inner.GetSubscriptionAsync(tenantId, subscriptionId, cancellationToken);

        public ValueTask<WebhookPage<WebhookSubscription>> ListSubscriptionsAsync(string tenantId, WebhookSubscriptionQuery query, CancellationToken cancellationToken = default) => _inner.ListSubscriptionsAsync(tenantId, query, cancellationToken);

        public ValueTask<IReadOnlyList<WebhookSubscription>> GetTenantSubscriptionsAsync(string tenantId, CancellationToken cancellationToken = default) => _inner.GetTenantSubscriptionsAsync(tenantId, cancellationToken);

        public ValueTask<bool> UpdateSubscriptionAsync(WebhookSubscription subscription, CancellationToken cancellationToken = default) => _inner.UpdateSubscriptionAsync(subscription, cancellationToken);

        public ValueTask<bool> DeleteSubscriptionAsync(string tenantId, string subscriptionId, CancellationToken cancellationToken = default) => _inner.DeleteSubscriptionAsync(tenantId, subscriptionId, cancellationToken);

        public ValueTask<long> GetSubscriptionVersionAsync(CancellationToken cancellationToken = default) => _inner.GetSubscriptionVersionAsync(cancellationToken);

        public ValueTask<WebhookMessageInsertResult> InsertMessageAsync(WebhookMessage message, IReadOnlyList<WebhookDelivery> deliveries, CancellationToken cancellationToken = default) => _inner.InsertMessageAsync(message, deliveries, cancellationToken);

        public ValueTask<IReadOnlyList<WebhookDeliveryLease>> ClaimDueDeliveriesAsync(WebhookClaimRequest request, CancellationToken cancellationToken = default) => _inner.ClaimDueDeliveriesAsync(request, cancellationToken);

        public ValueTask<bool> RecordAttemptAsync(WebhookAttemptRecord record, CancellationToken cancellationToken = default) => _inner.RecordAttemptAsync(record, cancellationToken);

        public ValueTask<bool> ReleaseLeaseAsync(WebhookLeaseRelease release, CancellationToken cancellationToken = default) => _inner.ReleaseLeaseAsync(release, cancellationToken);

        public ValueTask<DateTimeOffset?> GetNextDueTimeAsync(CancellationToken cancellationToken = default) => _inner.GetNextDueTimeAsync(cancellationToken);

        public ValueTask<WebhookMessage?> GetMessageAsync(string tenantId, string messageId, CancellationToken cancellationToken = default) => _inner.GetMessageAsync(tenantId, messageId, cancellationToken);

        public ValueTask<WebhookDelivery?> GetDeliveryAsync(string tenantId, string deliveryId, CancellationToken cancellationToken = default) => _inner.GetDeliveryAsync(tenantId, deliveryId, cancellationToken);

        public ValueTask<IReadOnlyList<WebhookAttempt>> GetAttemptsAsync(string tenantId, string deliveryId, CancellationToken cancellationToken = default) => _inner.GetAttemptsAsync(tenantId, deliveryId, cancellationToken);

        public ValueTask<WebhookPage<WebhookDelivery>> QueryDeliveriesAsync(WebhookDeliveryQuery query, CancellationToken cancellationToken = default) => _inner.QueryDeliveriesAsync(query, cancellationToken);

        public ValueTask<bool> RequeueDeliveryAsync(string tenantId, string deliveryId, DateTimeOffset dueAt, CancellationToken cancellationToken = default) => _inner.RequeueDeliveryAsync(tenantId, deliveryId, dueAt, cancellationToken);
    }
}
