namespace Choreblimey.Webhooks;

/// <summary>
/// Implemented by stores that can tell a worker about new or re-scheduled deliveries written by other instances
/// (PostgreSQL <c>LISTEN/NOTIFY</c>), so it wakes at once instead of at its next poll.
/// </summary>
public interface IWebhookStoreNotifications
{
    /// <summary>Waits until another instance signals work, or until <paramref name="timeout"/> passes.</summary>
    /// <param name="timeout">The longest wait.</param>
    /// <param name="cancellationToken">A token to stop waiting.</param>
    /// <returns><see langword="true"/> when a notification arrived; <see langword="false"/> on timeout.</returns>
    Task<bool> WaitForNotificationAsync(TimeSpan timeout, CancellationToken cancellationToken);
}
