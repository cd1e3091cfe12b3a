namespace Choreblimey.Webhooks;

/// <summary>When the worker disables a failing endpoint on its own (besides at once on <c>410 Gone</c>).</summary>
/// <remarks>
/// A subscription is disabled once its attempts have failed <see cref="DisableAfterConsecutiveFailures"/> times in a row
/// <em>and</em> it has been failing for at least <see cref="DisableAfterFailingFor"/> (a success resets both). When the
/// streak started is kept in the store, so a restart or another instance continues it; the count of consecutive failures
/// is each instance's own, counted in memory.
/// </remarks>
public sealed class WebhookHealthOptions
{
    /// <summary>Gets or sets how many consecutive failed attempts disable a subscription; 0 turns automatic disabling off. The default value is 50.</summary>
    public int DisableAfterConsecutiveFailures { get; set; } = 50;

    /// <summary>Gets or sets how long a subscription must have been failing before it is disabled. The default value is 5 days.</summary>
    public TimeSpan DisableAfterFailingFor { get; set; } = TimeSpan.FromDays(5);
}
