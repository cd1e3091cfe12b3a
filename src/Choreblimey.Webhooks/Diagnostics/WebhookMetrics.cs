using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Choreblimey.Webhooks.Diagnostics;

/// <summary>The library's instruments, on the meter named <see cref="WebhookDiagnostics.MeterName"/>.</summary>
internal sealed class WebhookMetrics
{
    // Boxed once: a tag value is an object, and boxing the bool on every publish allocated.
    private static readonly object BoxedTrue = true;
    private static readonly object BoxedFalse = false;
    private readonly Counter<long> _published;
    private readonly Counter<long> _publishRejected;
    private readonly Counter<long> _publishFailed;
    private readonly Counter<long> _attempts;
    private readonly Counter<long> _deadLettered;
    private readonly Counter<long> _subscriptionsDisabled;
    private readonly Histogram<double> _attemptDuration;
    private readonly Histogram<double> _publishToDelivery;

    public WebhookMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(WebhookDiagnostics.MeterName, WebhookActivitySource.Version);
        Meter = meter;
        _published = meter.CreateCounter<long>("webhooks.events.published", "{event}", "Events published.");
        _publishRejected = meter.CreateCounter<long>("webhooks.events.rejected", "{event}", "Publishes rejected as invalid.");
        _publishFailed = meter.CreateCounter<long>("webhooks.events.failed", "{event}", "Publishes whose event the store could not save.");
        _attempts = meter.CreateCounter<long>("webhooks.attempts", "{attempt}", "Delivery attempts by outcome.");
        _deadLettered = meter.CreateCounter<long>("webhooks.deliveries.dead_lettered", "{delivery}", "Deliveries dead-lettered.");
        _subscriptionsDisabled = meter.CreateCounter<long>("webhooks.subscriptions.disabled", "{subscription}", "Subscriptions disabled automatically.");
        _attemptDuration = meter.CreateHistogram<double>("webhooks.attempt.duration", "s", "Duration of delivery attempts.");
        _publishToDelivery = meter.CreateHistogram<double>("webhooks.delivery.latency", "s", "Time from publish to successful delivery.");
    }

    public Meter Meter { get; }

    public void Published(string eventType, int deliveries) =>
        _published.Add(1, new KeyValuePair<string, object?>("event.type", eventType), new KeyValuePair<string, object?>("has_deliveries", deliveries > 0 ? BoxedTrue : BoxedFalse));

    public void PublishRejected(string eventType) => _publishRejected.Add(1, new KeyValuePair<string, object?>("event.type", eventType));

    public void PublishFailed(string eventType) => _publishFailed.Add(1, new KeyValuePair<string, object?>("event.type", eventType));

    public void Attempt(WebhookAttemptOutcome outcome, TimeSpan duration)
    {
        var tag = new KeyValuePair<string, object?>("outcome", OutcomeName(outcome));
        _attempts.Add(1, tag);
        _attemptDuration.Record(duration.TotalSeconds, tag);
    }

    public void Delivered(TimeSpan sincePublish) => _publishToDelivery.Record(sincePublish.TotalSeconds);

    public void DeadLettered() => _deadLettered.Add(1);

    public void SubscriptionDisabled() => _subscriptionsDisabled.Add(1);

    private static string OutcomeName(WebhookAttemptOutcome outcome) => outcome switch
    {
        WebhookAttemptOutcome.Succeeded => "succeeded",
        WebhookAttemptOutcome.HttpError => "http_error",
        WebhookAttemptOutcome.TimedOut => "timed_out",
        WebhookAttemptOutcome.NetworkError => "network_error",
        WebhookAttemptOutcome.Blocked => "blocked",
        _ => "unknown",
    };
}
