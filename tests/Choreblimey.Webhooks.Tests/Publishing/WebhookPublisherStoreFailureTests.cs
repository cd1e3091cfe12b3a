using System.Diagnostics.Metrics;
using Choreblimey.Webhooks.Testing;
using Choreblimey.Webhooks.Tests.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NSubstitute;
using NSubstitute.ExceptionExtensions;

namespace Choreblimey.Webhooks.Tests.Publishing;

/// <summary>A store that cannot save a publish: thrown by default, or logged and reported in the receipt (fire and forget).</summary>
public sealed class WebhookPublisherStoreFailureTests : IDisposable
{
    private const string Tenant = "tenant-a";
    private readonly CapturingLoggerProvider _logs = new();
    private readonly IWebhookStore _store = Substitute.For<IWebhookStore>();

    public WebhookPublisherStoreFailureTests()
    {
#pragma warning disable CA2012 // NSubstitute configures ValueTask-returning calls by invoking them.
        _store.GetSubscriptionVersionAsync(Arg.Any<CancellationToken>()).Returns(new ValueTask<long>(1));
        _store.GetTenantSubscriptionsAsync(Arg.Any<string>(), Arg.Any<CancellationToken>())
            .Returns(new ValueTask<IReadOnlyList<WebhookSubscription>>([TestServices.Subscription("sub_1", Tenant, ["*"])]));
#pragma warning restore CA2012
    }

    public void Dispose() => _logs.Dispose();

    [Fact]
    public async Task By_default_a_failed_store_write_throws_to_the_caller_and_is_counted()
    {
        FailInsertWith(new InvalidOperationException("database is locked"));
        await using var services = Build(throwOnStoreFailure: true);
        using var failures = new FailureCounter(services);

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(
            async () => await Publisher(services).PublishAsync("message.received", new { Id = 1 }, tenantId: Tenant));

        Assert.Equal("database is locked", exception.Message);
        Assert.Equal(["message.received"], failures.EventTypes);
        Assert.DoesNotContain(_logs.Entries, e => e.Contains("[5]", StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_throwing_off_a_failed_store_write_returns_a_failed_receipt_naming_it_and_is_logged_and_counted()
    {
        FailInsertWith(new TimeoutException("The store did not answer within 30 s."));
        await using var services = Build(throwOnStoreFailure: false);
        using var failures = new FailureCounter(services);

        var receipt = await Publisher(services).PublishAsync("message.received", new { Id = 1 }, tenantId: Tenant);

        Assert.Equal(WebhookPublishStatus.Failed, receipt.Status);
        Assert.False(receipt.IsStored);
        Assert.Null(receipt.EventId);
        Assert.Equal(0, receipt.DeliveryCount);
        Assert.Equal("The event could not be stored, so it will not be delivered (TimeoutException: The store did not answer within 30 s.).", receipt.Error);
        Assert.Equal(["message.received"], failures.EventTypes);
        var logged = Assert.Single(_logs.Entries, e => e.Contains("[5]", StringComparison.Ordinal));
        Assert.StartsWith("Error ", logged, StringComparison.Ordinal);
        Assert.Contains("Publish of message.received for tenant 'tenant-a' failed", logged, StringComparison.Ordinal);
        Assert.Contains("System.TimeoutException: The store did not answer within 30 s.", logged, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_throwing_off_a_failed_read_of_the_subscriptions_to_route_to_returns_a_failed_receipt()
    {
#pragma warning disable CA2012
        _store.GetTenantSubscriptionsAsync(Arg.Any<string>(), Arg.Any<CancellationToken>()).ThrowsAsync(new IOException("disk I/O error"));
#pragma warning restore CA2012
        await using var services = Build(throwOnStoreFailure: false);

        var receipt = await Publisher(services).PublishAsync("message.received", new { Id = 1 }, tenantId: Tenant);

        Assert.Equal(WebhookPublishStatus.Failed, receipt.Status);
        Assert.Contains("IOException: disk I/O error", receipt.Error, StringComparison.Ordinal);
        await _store.DidNotReceiveWithAnyArgs().InsertMessageAsync(default!, default!, default);
    }

    [Fact]
    public async Task With_throwing_off_invalid_input_still_throws_and_the_callers_cancellation_still_cancels()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        FailInsertWith(new OperationCanceledException(cancelled.Token));
        await using var services = Build(throwOnStoreFailure: false);
        using var failures = new FailureCounter(services);
        var publisher = Publisher(services);

        await Assert.ThrowsAsync<UnknownWebhookEventException>(async () => await publisher.PublishAsync("message.exploded", new { Id = 1 }, tenantId: Tenant));
        await Assert.ThrowsAsync<ArgumentException>(async () => await publisher.PublishAsync("message.received", new { Id = 1 }, tenantId: "bad tenant\n"));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            async () => await publisher.PublishAsync("message.received", new { Id = 1 }, tenantId: Tenant, cancellationToken: cancelled.Token));
        Assert.Empty(failures.EventTypes);
    }

    [Fact]
    public async Task With_throwing_off_a_cancellation_that_is_not_the_callers_is_a_store_failure()
    {
        FailInsertWith(new OperationCanceledException("The command was cancelled by the store's own timeout."));
        await using var services = Build(throwOnStoreFailure: false);

        var receipt = await Publisher(services).PublishAsync("message.received", new { Id = 1 }, tenantId: Tenant);

        Assert.Equal(WebhookPublishStatus.Failed, receipt.Status);
        Assert.Contains("OperationCanceledException: The command was cancelled by the store's own timeout.", receipt.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_throwing_off_what_a_payload_throws_while_serialised_is_not_reported_as_a_store_failure()
    {
        await using var services = Build(throwOnStoreFailure: false);
        using var failures = new FailureCounter(services);

        await Assert.ThrowsAsync<OperationCanceledException>(
            async () => await Publisher(services).PublishAsync("message.received", new CancellingPayload(), tenantId: Tenant));

        Assert.Empty(failures.EventTypes);
        await _store.DidNotReceiveWithAnyArgs().InsertMessageAsync(default!, default!, default);
    }

    [Fact]
    public async Task With_throwing_off_a_duplicate_whose_first_event_cannot_be_read_back_stays_a_duplicate_of_that_stored_event()
    {
#pragma warning disable CA2012
        _store.InsertMessageAsync(Arg.Any<WebhookMessage>(), Arg.Any<IReadOnlyList<WebhookDelivery>>(), Arg.Any<CancellationToken>())
            .Returns(new ValueTask<WebhookMessageInsertResult>(new WebhookMessageInsertResult("msg_first", 1, IsDuplicate: true)));
        _store.GetMessageAsync(Tenant, "msg_first", Arg.Any<CancellationToken>()).ThrowsAsync(new TimeoutException("The store did not answer."));
#pragma warning restore CA2012
        await using var services = Build(throwOnStoreFailure: false);
        using var failures = new FailureCounter(services);
        var options = new WebhookPublishOptions { TenantId = Tenant, IdempotencyKey = "order-1" };

        var receipt = await Publisher(services).PublishAsync("message.received", new { Id = 1 }, options);

        Assert.Equal(WebhookPublishStatus.Duplicate, receipt.Status);
        Assert.Equal("msg_first", receipt.EventId);
        Assert.True(receipt.IsStored);
        Assert.Empty(failures.EventTypes);
        var logged = Assert.Single(_logs.Entries, e => e.Contains("[6]", StringComparison.Ordinal));
        Assert.StartsWith("Warning ", logged, StringComparison.Ordinal);
        Assert.Contains("msg_first", logged, StringComparison.Ordinal);

        // With throwing on, the failed read reaches the caller, as before.
        await using var throwing = Build(throwOnStoreFailure: true);
        await Assert.ThrowsAsync<TimeoutException>(async () => await Publisher(throwing).PublishAsync("message.received", new { Id = 1 }, options));
    }

    private void FailInsertWith(Exception exception)
    {
#pragma warning disable CA2012
        _store.InsertMessageAsync(Arg.Any<WebhookMessage>(), Arg.Any<IReadOnlyList<WebhookDelivery>>(), Arg.Any<CancellationToken>())
            .ThrowsAsync(exception);
#pragma warning restore CA2012
    }

    private ServiceProvider Build(bool throwOnStoreFailure)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddProvider(_logs).SetMinimumLevel(LogLevel.Trace));
        services.AddSingleton<TimeProvider>(new WebhookTestClock(TestServices.Start));
        services.AddWebhooks(o => o.ThrowOnStoreFailure = throwOnStoreFailure)
            .AddEvent("message.received", "Messages")
            .UseStore(_ => _store);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
    }

    private static IWebhookPublisher Publisher(IServiceProvider services) => services.GetRequiredService<IWebhookPublisher>();

    /// <summary>A payload whose serialisation is cancelled by something of its own, not by the caller's token.</summary>
    private sealed class CancellingPayload
    {
        private readonly CancellationToken _own = new(canceled: true);

        public int Id
        {
            get
            {
                _own.ThrowIfCancellationRequested();
                return 1;
            }
        }
    }

    /// <summary>The event types counted by <c>webhooks.events.failed</c> of one service provider's meters.</summary>
    private sealed class FailureCounter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly List<string> _eventTypes = [];

        public FailureCounter(IServiceProvider services)
        {
            var meters = services.GetRequiredService<IMeterFactory>();
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Scope == meters && instrument.Name == "webhooks.events.failed")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag.Key == "event.type" && value == 1)
                    {
                        lock (_eventTypes)
                        {
                            _eventTypes.Add((string)tag.Value!);
                        }
                    }
                }
            });
            _listener.Start();
        }

        public IReadOnlyList<string> EventTypes
        {
            get
            {
                lock (_eventTypes)
                {
                    return [.. _eventTypes];
                }
            }
        }

        public void Dispose() => _listener.Dispose();
    }
}
