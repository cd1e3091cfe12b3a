namespace Choreblimey.Webhooks.Testing;

/// <summary>A clock stopped at one instant: what a receiver's clock read when a request arrived.</summary>
/// <param name="now">The instant.</param>
internal sealed class WebhookStoppedClock(DateTimeOffset now) : TimeProvider
{
    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => now.ToUniversalTime();
}
