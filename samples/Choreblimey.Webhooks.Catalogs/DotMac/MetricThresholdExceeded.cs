namespace Choreblimey.Webhooks.Catalogs.DotMac;

/// <summary>The payload of <c>metric.threshold_exceeded</c>. A metric crossed its threshold.</summary>
public sealed record MetricThresholdExceeded(
    string MetricName,
    decimal Threshold,
    decimal Value,
    int WindowMinutes);
