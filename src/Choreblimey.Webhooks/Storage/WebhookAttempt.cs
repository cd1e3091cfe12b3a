namespace Choreblimey.Webhooks;

/// <summary>The record of one HTTP attempt of a delivery.</summary>
public sealed record WebhookAttempt
{
    /// <summary>Gets the delivery the attempt belongs to.</summary>
    public required string DeliveryId { get; init; }

    /// <summary>Gets the tenant of the delivery.</summary>
    public required string TenantId { get; init; }

    /// <summary>Gets the 1-based attempt number.</summary>
    public required int AttemptNumber { get; init; }

    /// <summary>Gets when the attempt started.</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>Gets how long the attempt took.</summary>
    public required TimeSpan Duration { get; init; }

    /// <summary>Gets how the attempt ended.</summary>
    public required WebhookAttemptOutcome Outcome { get; init; }

    /// <summary>Gets the HTTP status code, when a response arrived.</summary>
    public int? StatusCode { get; init; }

    /// <summary>Gets the start of the response body, truncated to <see cref="WebhookOptions.MaxResponseBodyBytes"/>.</summary>
    public string? ResponseBody { get; init; }

    /// <summary>Gets the error description for failed attempts.</summary>
    public string? Error { get; init; }

    /// <summary>Gets whether this was a test send, kept apart from statistics.</summary>
    public bool IsTest { get; init; }
}
