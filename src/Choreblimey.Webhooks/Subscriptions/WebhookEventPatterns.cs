namespace Choreblimey.Webhooks;

/// <summary>
/// Event patterns a subscription listens to: an exact event name, <c>*</c> for every event, or a prefix wildcard that ends
/// in a separator and <c>*</c> (<c>booking.*</c>, <c>chore:*</c>, <c>item-*</c>).
/// </summary>
public static class WebhookEventPatterns
{
    /// <summary>The pattern that matches every event.</summary>
    public const string All = "*";

    /// <summary>Returns whether <paramref name="pattern"/> matches <paramref name="eventType"/>.</summary>
    /// <param name="pattern">A well-formed pattern.</param>
    /// <param name="eventType">An event name.</param>
    /// <returns><see langword="true"/> on a match.</returns>
    public static bool Matches(string pattern, string eventType)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(eventType);
        if (pattern.Length == 1 && pattern[0] == '*')
        {
            return true;
        }

        if (pattern[^1] == '*')
        {
            var prefix = pattern.AsSpan(0, pattern.Length - 1);
            return eventType.Length > prefix.Length && eventType.AsSpan().StartsWith(prefix, StringComparison.Ordinal);
        }

        return string.Equals(pattern, eventType, StringComparison.Ordinal);
    }

    /// <summary>Returns whether any of <paramref name="patterns"/> matches <paramref name="eventType"/>.</summary>
    /// <param name="patterns">Well-formed patterns.</param>
    /// <param name="eventType">An event name.</param>
    /// <returns><see langword="true"/> on a match.</returns>
    public static bool MatchesAny(IReadOnlyList<string> patterns, string eventType)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        for (var i = 0; i < patterns.Count; i++)
        {
            if (Matches(patterns[i], eventType))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Returns whether <paramref name="pattern"/> is well formed, and why not.</summary>
    /// <param name="pattern">The pattern.</param>
    /// <param name="reason">Why it is not well formed; empty when it is.</param>
    /// <returns><see langword="true"/> when well formed.</returns>
    public static bool IsValid(string? pattern, out string reason)
    {
        if (pattern == All)
        {
            reason = string.Empty;
            return true;
        }

        if (string.IsNullOrEmpty(pattern))
        {
            reason = "An event pattern must not be empty.";
            return false;
        }

        // A '*' anywhere but at the end ('*.created', 'booking.*.created') is a wildcard in the wrong place, not a bad
        // character: say what a wildcard pattern may be.
        if (pattern[^1] == '*' || pattern.Contains('*', StringComparison.Ordinal))
        {
            var stem = pattern[^1] == '*' ? pattern[..^1] : pattern;
            if (pattern[^1] != '*' || stem.Length < 2 || !IsSeparator(stem[^1]) || stem.Contains('*', StringComparison.Ordinal)
                || !WebhookEventName.IsValid(stem[..^1], out _))
            {
                reason = $"The event pattern '{pattern}' is not well formed: a wildcard pattern is '*' or an event-name prefix followed by a separator and '*' (for example 'booking.*', 'chore:*', 'item-*'); '*' may appear only at its end.";
                return false;
            }

            reason = string.Empty;
            return true;
        }

        if (!WebhookEventName.IsValid(pattern, out var nameReason))
        {
            reason = $"The event pattern '{pattern}' is not a valid event name: {nameReason}";
            return false;
        }

        reason = string.Empty;
        return true;
    }

    /// <summary>Returns whether <paramref name="c"/> may end a wildcard pattern's prefix.</summary>
    internal static bool IsSeparator(char c) => c is '.' or ':' or '-' or '_';
}
