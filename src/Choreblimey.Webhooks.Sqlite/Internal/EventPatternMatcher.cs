namespace Choreblimey.Webhooks.Sqlite.Internal;

/// <summary>Matches event types against subscription patterns: exact names, <c>*</c>, or a prefix wildcard such as <c>booking.*</c>.</summary>
internal static class EventPatternMatcher
{
    public static bool MatchesAny(IReadOnlyList<string> patterns, string eventType)
    {
        foreach (var pattern in patterns)
        {
            if (Matches(pattern, eventType))
            {
                return true;
            }
        }

        return false;
    }

    public static bool Matches(string pattern, string eventType) =>
        pattern.EndsWith('*')
            ? eventType.StartsWith(pattern.AsSpan(0, pattern.Length - 1), StringComparison.Ordinal)
            : string.Equals(pattern, eventType, StringComparison.Ordinal);
}
