namespace Choreblimey.Webhooks;

/// <summary>Options for <see cref="WebhookVerifier"/>.</summary>
public sealed class WebhookVerifierOptions
{
    /// <summary>The default <see cref="Tolerance"/>: 5 minutes, as the Standard Webhooks specification recommends.</summary>
    internal static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Gets or sets how far the <see cref="WebhookHeaders.Timestamp"/> header may be from the current time, in either
    /// direction, for a message to be accepted. This bounds replay of captured messages and absorbs clock skew. Must be positive.
    /// </summary>
    /// <value>The default value is 5 minutes.</value>
    public TimeSpan Tolerance { get; set; } = DefaultTolerance;
}
