namespace Choreblimey.Webhooks;

/// <summary>How a <see cref="WebhookAttributeFilter"/> compares a published attribute with its values.</summary>
public enum WebhookFilterOperator
{
    /// <summary>The attribute equals the filter's single value (ordinal, case-sensitive).</summary>
    Equals = 0,

    /// <summary>The attribute equals one of the filter's values (ordinal, case-sensitive).</summary>
    In = 1,

    /// <summary>
    /// The attribute, read as an invariant-culture decimal, is less than or equal to the filter's single value.
    /// A non-numeric attribute does not match.
    /// </summary>
    LessThanOrEqual = 2,

    /// <summary>
    /// The attribute, read as an invariant-culture decimal, is greater than or equal to the filter's single value.
    /// A non-numeric attribute does not match.
    /// </summary>
    GreaterThanOrEqual = 3,
}
