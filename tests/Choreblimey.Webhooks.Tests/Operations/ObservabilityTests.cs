using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Choreblimey.Webhooks.Operations.Internal;
using Choreblimey.Webhooks.Testing;
using Choreblimey.Webhooks.Testing.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Choreblimey.Webhooks.Tests.Operations;

/// <summary>The meter's instruments and the tracing spans, observed from real deliveries to a loopback receiver.</summary>
public sealed class ObservabilityTests : IAsyncLifetime
{
    private const string Tenant = "family-observed";
    private static readonly DateTimeOffset T0 = new(2026, 6, 1, 9, 0, 0, TimeSpan.Zero);
    private LoopbackReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await LoopbackReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public async Task Every_instrument_of_the_meter_reports_real_values_from_a_delivery_flow()
    {
        var clock = new WebhookTestClock(T0);
        _receiver.Respond = (context, _) =>
        {
            switch (context.Request.Path.Value)
            {
                case "/ok":
                    // The receiver takes a quarter of a second on the test clock: the attempt's duration and the latency.
                    clock.Advance(TimeSpan.FromMilliseconds(250));
                    return Task.FromResult(200);
                case "/gone":
                    return Task.FromResult(410);
                default:
                    return Task.FromResult(503);
            }
        };
        await using var host = await WebhookTestHost.StartAsync(
            webhooks => webhooks
                .AddEvent("chore:created", "Chores")
                .AddEvent("chore:deleted", "Chores")
                .AddEvent("chore:updated", "Chores")
                .Configure(o =>
                {
                    o.Retry.UseSchedule(TimeSpan.Zero, TimeSpan.FromHours(1));
                    // Sampled only when the test asks, so a background sample cannot replace the one asserted.
                    o.Monitoring.BacklogSampleInterval = TimeSpan.FromDays(1);
                }),
            services => services.AddSingleton<TimeProvider>(clock));
        var instruments = new ConcurrentDictionary<string, Instrument>(StringComparer.Ordinal);
        var measurements = new ConcurrentQueue<(string Name, double Value, string? Outcome)>();
        using var listener = Listen(host, instruments, measurements);
        await Subscribe(host, "/ok", "chore:created");
        var gone = await Subscribe(host, "/gone", "chore:deleted");
        await Subscribe(host, "/busy", "chore:updated");

        // Delivered in 250 ms; dead-lettered by a 410 that disables its subscription; failed once and waiting to retry.
        var delivered = await host.Publisher.PublishAsync("chore:created", new { Id = 1 }, tenantId: Tenant);
        await host.WaitForDeliveryStatusAsync(Tenant, delivered.EventId!, WebhookDeliveryStatus.Succeeded);
        var dead = await host.Publisher.PublishAsync("chore:deleted", new { Id = 2 }, tenantId: Tenant);
        await host.WaitForDeliveryStatusAsync(Tenant, dead.EventId!, WebhookDeliveryStatus.DeadLettered);
        await host.WaitForSubscriptionStateAsync(Tenant, gone.Id, WebhookSubscriptionState.Disabled, "the 410 to disable the subscription");
        var waiting = await host.Publisher.PublishAsync("chore:updated", new { Id = 3 }, tenantId: Tenant);
        await WebhookTestHost.EventuallyAsync(async () =>
            (await host.Store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = Tenant, MessageId = waiting.EventId })).Items.SingleOrDefault() is { AttemptCount: 1, Status: WebhookDeliveryStatus.Pending },
            "the failed attempt to be rescheduled");

        // The waiting delivery was created at T0 + 250 ms; sample the backlog 90 s later.
        clock.Advance(TimeSpan.FromSeconds(90));
        await host.Services.GetServices<IHostedService>().OfType<WebhookBacklogMonitor>().Single().SampleAsync(CancellationToken.None);
        listener.RecordObservableInstruments();

        Assert.IsType<Counter<long>>(instruments["webhooks.events.published"]);
        Assert.IsType<Counter<long>>(instruments["webhooks.attempts"]);
        Assert.IsType<Counter<long>>(instruments["webhooks.deliveries.dead_lettered"]);
        Assert.IsType<Counter<long>>(instruments["webhooks.subscriptions.disabled"]);
        Assert.IsType<Histogram<double>>(instruments["webhooks.attempt.duration"]);
        Assert.IsType<Histogram<double>>(instruments["webhooks.delivery.latency"]);
        Assert.IsType<ObservableGauge<long>>(instruments["webhooks.deliveries.pending"]);
        Assert.IsType<ObservableGauge<double>>(instruments["webhooks.deliveries.oldest_pending_age"]);

        (double Value, string? Outcome)[] Of(string name) => [.. measurements.Where(m => m.Name == name).Select(m => (m.Value, m.Outcome))];
        double[] ValuesOf(string name) => [.. Of(name).Select(m => m.Value)];
        Assert.Equal(new double[] { 1, 1, 1 }, ValuesOf("webhooks.events.published"));
        Assert.Equal(new (double, string?)[] { (1, "succeeded"), (1, "http_error"), (1, "http_error") }, Of("webhooks.attempts"));
        Assert.Equal(new (double, string?)[] { (0.25, "succeeded"), (0, "http_error"), (0, "http_error") }, Of("webhooks.attempt.duration"));
        Assert.Equal(new double[] { 0.25 }, ValuesOf("webhooks.delivery.latency"));
        Assert.Equal(new double[] { 1 }, ValuesOf("webhooks.deliveries.dead_lettered"));
        Assert.Equal(new double[] { 1 }, ValuesOf("webhooks.subscriptions.disabled"));
        Assert.Equal(new double[] { 1 }, ValuesOf("webhooks.deliveries.pending"));
        Assert.Equal(new double[] { 90 }, ValuesOf("webhooks.deliveries.oldest_pending_age"));
        Assert.Single(_receiver.Received, r => r.Path == "/ok" && r.WebhookId == delivered.EventId);
    }

    [Fact]
    public async Task A_publish_span_parents_the_attempt_span_which_the_receiver_gets_as_traceparent()
    {
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == WebhookDiagnostics.ActivitySourceName,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        await using var host = await WebhookTestHost.StartAsync(webhooks => webhooks.AddEvent("chore:created", "Chores"));
        await Subscribe(host, "/hooks", "chore:*");

        var receipt = await host.Publisher.PublishAsync("chore:created", new { Id = 1 }, tenantId: Tenant);

        // Other tests run in parallel on the same source: pick this publish's spans by event id, then by trace.
        var publish = Assert.Single(stopped, a => a.OperationName == "webhooks publish" && Equals(a.GetTagItem("webhooks.event.id"), receipt.EventId));
        Assert.Equal(ActivityKind.Producer, publish.Kind);
        Assert.Matches(@"^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$", publish.Source.Version); // the package's, without +build metadata
        Assert.Equal(publish.Id, (await host.Store.GetMessageAsync(Tenant, receipt.EventId!))!.TraceParent);
        await _receiver.WaitForCountAsync(1);
        await WebhookTestHost.EventuallyAsync(() => Task.FromResult(stopped.Any(a => a.OperationName == "webhooks attempt" && a.TraceId == publish.TraceId)), "the attempt span to end");
        var attempt = Assert.Single(stopped, a => a.OperationName == "webhooks attempt" && a.TraceId == publish.TraceId);
        Assert.Equal(ActivityKind.Client, attempt.Kind);
        Assert.Equal(publish.SpanId, attempt.ParentSpanId);
        Assert.NotEqual(publish.SpanId, attempt.SpanId);
        Assert.Equal(attempt.Id, Assert.Single(_receiver.Received).Header("traceparent"));
    }

    private async Task<WebhookSubscription> Subscribe(WebhookTestHost host, string path, string eventType) =>
        await host.Subscriptions.CreateAsync(Tenant, new WebhookSubscriptionRequest { Url = _receiver.Url(path).ToString(), EventTypes = [eventType] });

    private static MeterListener Listen(WebhookTestHost host, ConcurrentDictionary<string, Instrument> instruments, ConcurrentQueue<(string Name, double Value, string? Outcome)> measurements)
    {
        // Only this host's meter: other tests' hosts publish instruments with the same names in parallel.
        var factory = host.Services.GetRequiredService<IMeterFactory>();
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (ReferenceEquals(instrument.Meter.Scope, factory) && instrument.Meter.Name == WebhookDiagnostics.MeterName)
                {
                    instruments[instrument.Name] = instrument;
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };

        void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            string? outcome = null;
            foreach (var tag in tags)
            {
                outcome = tag.Key == "outcome" ? tag.Value as string : outcome;
            }

            measurements.Enqueue((instrument.Name, value, outcome));
        }

        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.Start();
        return listener;
    }
}
