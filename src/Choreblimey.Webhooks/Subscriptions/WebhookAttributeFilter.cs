namespace Choreblimey.Webhooks;

/// <summary>
/// A condition on an attribute published with an event (see <see cref="WebhookPublishOptions.Attributes"/>). A subscription
/// with filters receives an event only when every filter matches; an event without the attribute does not match.
/// </summary>
/// <remarks>
/// Filters are data, stored with the subscription. Examples: <c>new("location", In, ["leeds", "york"])</c>,
/// <c>new("stock", LessThanOrEqual, ["5"])</c> for a low-stock alert.
/// </remarks>
/// <param name="Attribute">The attribute name.</param>
/// <param name="Operator">The comparison.</param>
/// <param name="Values">
/// The values: exactly one for <see cref="WebhookFilterOperator.Equals"/>, <see cref="WebhookFilterOperator.LessThanOrEqual"/>
/// and <see cref="WebhookFilterOperator.GreaterThanOrEqual"/> (an invariant-culture decimal for the last two), one or more for
/// <see cref="WebhookFilterOperator.In"/>.
/// </param>
public sealed record WebhookAttributeFilter(string Attribute, WebhookFilterOperator Operator, IReadOnlyList<string> Values)
{
    /// <summary>Determines whether <paramref name="other"/> is the same condition: attribute, operator and values in order.</summary>
    /// <param name="other">The other filter.</param>
    /// <returns><see langword="true"/> when they are equal.</returns>
    /// <remarks>By value, values included: a record compares a list by reference, so two equal filters read back from a store differed.</remarks>
    public bool Equals(WebhookAttributeFilter? other) =>
        other is not null
        && string.Equals(Attribute, other.Attribute, StringComparison.Ordinal)
        && Operator == other.Operator
        && (ReferenceEquals(Values, other.Values) || (Values is not null && other.Values is not null && Values.SequenceEqual(other.Values, StringComparer.Ordinal)));

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Attribute, Operator, Values?.Count ?? 0);

    /// <inheritdoc />
    public override string ToString() => $"{Attribute} {Operator} [{string.Join(", ", Values ?? [])}]";
}
