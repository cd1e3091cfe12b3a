namespace Choreblimey.Webhooks;

/// <summary>
/// A subscription's signing secret with its optional expiry (set when the secret is rotated out).
/// </summary>
/// <param name="Secret">The secret.</param>
/// <param name="ExpiresAt">When the secret stops signing; <see langword="null"/> for the current secret.</param>
public sealed record WebhookSigningSecret(WebhookSecret Secret, DateTimeOffset? ExpiresAt = null)
{
    /// <summary>Returns whether the secret still signs at <paramref name="now"/>.</summary>
    /// <param name="now">The current time.</param>
    /// <returns><see langword="true"/> when the secret has no expiry or expires after <paramref name="now"/>.</returns>
    public bool IsValidAt(DateTimeOffset now) => ExpiresAt is null || ExpiresAt > now;
}
