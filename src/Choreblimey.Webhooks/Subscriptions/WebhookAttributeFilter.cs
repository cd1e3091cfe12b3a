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
    /// <inheritdoc />
    public override string ToString() => $"{Attribute} {Operator} [{string.Join(", ", Values)}]";
}
