namespace Choreblimey.Webhooks;

/// <summary>
/// How urgently an event's deliveries are sent. The worker claims due deliveries by priority first, then by due time: a due
/// <see cref="High"/> delivery goes before older <see cref="Normal"/> ones, and a <see cref="Low"/> one after them. Priority
/// never makes a delivery due earlier; it only orders deliveries that are already due.
/// </summary>
public enum WebhookPriority
{
    /// <summary>Sent after every due <see cref="Normal"/> and <see cref="High"/> delivery (bulk or background events).</summary>
    Low = -1,

    /// <summary>The default.</summary>
    Normal = 0,

    /// <summary>Sent before every due <see cref="Normal"/> and <see cref="Low"/> delivery.</summary>
    High = 1,
}
