namespace Choreblimey.Webhooks.Operations;

/// <summary>Continuous percentiles (linear interpolation between the closest ranks), as PostgreSQL's <c>percentile_cont</c> computes them.</summary>
internal static class WebhookPercentile
{
    /// <summary>Gets the zero-based rank below the percentile and the interpolation fraction, for <paramref name="count"/> sorted values.</summary>
    public static (long Lower, double Fraction) Rank(long count, double percentile)
    {
        var position = (count - 1) * percentile;
        var lower = (long)Math.Floor(position);
        return (lower, position - lower);
    }

    /// <summary>Interpolates between the value at the lower rank and the next one.</summary>
    public static TimeSpan Interpolate(long lowerTicks, long upperTicks, double fraction) =>
        TimeSpan.FromTicks((long)Math.Round(lowerTicks + ((upperTicks - lowerTicks) * fraction), MidpointRounding.AwayFromZero));

    /// <summary>Computes a percentile of sorted tick values.</summary>
    public static TimeSpan? Of(IReadOnlyList<long> sortedTicks, double percentile)
    {
        if (sortedTicks.Count == 0)
        {
            return null;
        }

        var (lower, fraction) = Rank(sortedTicks.Count, percentile);
        var upper = Math.Min(lower + 1, sortedTicks.Count - 1);
        return Interpolate(sortedTicks[(int)lower], sortedTicks[(int)upper], fraction);
    }
}
