namespace Choreblimey.Webhooks;

/// <summary>
/// A tenant-scoped endpoint that receives the events matching its <see cref="EventPatterns"/>.
/// </summary>
/// <remarks>
/// Instances are immutable snapshots; change a subscription with a <c>with</c> expression and save it through the store
/// or the subscription manager. <see cref="ToString"/> never includes secrets.
/// </remarks>
public sealed record WebhookSubscription
{
    /// <summary>Gets the subscription id (<c>sub_</c> followed by a time-sortable identifier).</summary>
    public required string Id { get; init; }

    /// <summary>Gets the tenant that owns the subscription. The empty string is the default tenant of single-tenant hosts.</summary>
    public required string TenantId { get; init; }

    /// <summary>Gets the absolute http or https URL deliveries are posted to.</summary>
    public required Uri Url { get; init; }

    /// <summary>Gets the event patterns: exact event names, <c>*</c> for every event, or a prefix wildcard such as <c>booking.*</c>.</summary>
    public required IReadOnlyList<string> EventPatterns { get; init; }

    /// <summary>Gets the signing secrets. Every secret that has not expired signs each delivery.</summary>
    public required IReadOnlyList<WebhookSigningSecret> Secrets { get; init; }

    /// <summary>Gets the lifecycle state.</summary>
    public WebhookSubscriptionState State { get; init; } = WebhookSubscriptionState.Active;

    /// <summary>
    /// Gets why the subscription was disabled, when it was; kept if its owner then pauses it, cleared when it is resumed or
    /// enabled.
    /// </summary>
    public string? DisabledReason { get; init; }

    /// <summary>Gets an optional human-readable description.</summary>
    public string? Description { get; init; }

    /// <summary>Gets the maximum number of attempts for a delivery, overriding the retry schedule's length.</summary>
    public int? MaxAttempts { get; init; }

    /// <summary>Gets a retry schedule overriding <see cref="WebhookRetryOptions.Schedule"/> for this subscription.</summary>
    public IReadOnlyList<TimeSpan>? RetrySchedule { get; init; }

    /// <summary>Gets the per-attempt timeout overriding <see cref="WebhookOptions.AttemptTimeout"/>.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Gets extra headers sent with every delivery.</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    /// <summary>Gets free-form metadata owned by the host.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>Gets attribute filters that must all match an event's attributes; <see langword="null"/> or empty for none.</summary>
    public IReadOnlyList<WebhookAttributeFilter>? Filters { get; init; }

    /// <summary>Gets the most deliveries per second sent to this subscription; unlimited when <see langword="null"/>.</summary>
    /// <remarks>
    /// The token bucket is the destination URL's: a tenant's subscriptions to one URL with the same limit share it, so the
    /// URL receives at most that rate in total from the tenant; subscriptions to one URL with different limits keep a bucket
    /// each, and so do other tenants'.
    /// </remarks>
    public double? RateLimitPerSecond { get; init; }

    /// <summary>Gets the name of the signature profile; <see langword="null"/> for <see cref="WebhookSignatureProfile.StandardName"/>.</summary>
    public string? SignatureProfile { get; init; }

    /// <summary>Gets the name of the envelope format; <see langword="null"/> for <see cref="WebhookEnvelopeFormats.Default"/>.</summary>
    public string? Envelope { get; init; }

    /// <summary>Gets the time the subscription was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets the time the subscription was last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <inheritdoc />
    public override string ToString() =>
        $"WebhookSubscription {{ Id = {Id}, TenantId = {TenantId}, Url = {Url.GetComponents(UriComponents.SchemeAndServer, UriFormat.UriEscaped)}/…, State = {State}, EventPatterns = [{string.Join(", ", EventPatterns)}], Secrets = {Secrets.Count} (redacted) }}";
}
