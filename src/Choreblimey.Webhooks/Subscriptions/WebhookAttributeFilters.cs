using System.Globalization;

namespace Choreblimey.Webhooks;

/// <summary>Evaluates and checks <see cref="WebhookAttributeFilter"/> lists.</summary>
public static class WebhookAttributeFilters
{
    /// <summary>The number styles numeric filter values and attributes are read with (invariant culture).</summary>
    public const NumberStyles NumberStyle = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint;

    /// <summary>Returns whether every filter matches the attributes (<see langword="true"/> when there are no filters).</summary>
    /// <param name="filters">The filters; <see langword="null"/> or empty matches everything.</param>
    /// <param name="attributes">The event's attributes; <see langword="null"/> when it has none.</param>
    /// <returns><see langword="true"/> when all filters match.</returns>
    public static bool Matches(IReadOnlyList<WebhookAttributeFilter>? filters, IReadOnlyDictionary<string, string>? attributes)
    {
        if (filters is null || filters.Count == 0)
        {
            return true;
        }

        if (attributes is null)
        {
            return false;
        }

        for (var i = 0; i < filters.Count; i++)
        {
            if (!MatchesFilter(filters[i], attributes))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Returns whether one filter matches the attributes.</summary>
    /// <param name="filter">The filter.</param>
    /// <param name="attributes">The event's attributes.</param>
    /// <returns><see langword="true"/> on a match; <see langword="false"/> when the attribute is missing.</returns>
    public static bool MatchesFilter(WebhookAttributeFilter filter, IReadOnlyDictionary<string, string>? attributes)
    {
        ArgumentNullException.ThrowIfNull(filter);
        if (attributes is null || !attributes.TryGetValue(filter.Attribute, out var value) || value is null)
        {
            return false;
        }

        var values = filter.Values;
        switch (filter.Operator)
        {
            case WebhookFilterOperator.Equals:
            case WebhookFilterOperator.In:
                for (var i = 0; i < values.Count; i++)
                {
                    if (string.Equals(values[i], value, StringComparison.Ordinal))
                    {
                        return true;
                    }
                }

                return false;
            case WebhookFilterOperator.LessThanOrEqual:
                return values.Count > 0 && TryParseNumber(value, out var less) && TryParseNumber(values[0], out var max) && less <= max;
            case WebhookFilterOperator.GreaterThanOrEqual:
                return values.Count > 0 && TryParseNumber(value, out var more) && TryParseNumber(values[0], out var min) && more >= min;
            default:
                return false;
        }
    }

    /// <summary>Reads a filter number: an invariant-culture decimal with an optional sign and decimal point.</summary>
    /// <param name="text">The text.</param>
    /// <param name="value">The number.</param>
    /// <returns><see langword="true"/> when the text is a number.</returns>
    public static bool TryParseNumber(string? text, out decimal value) =>
        decimal.TryParse(text, NumberStyle, CultureInfo.InvariantCulture, out value);
}
