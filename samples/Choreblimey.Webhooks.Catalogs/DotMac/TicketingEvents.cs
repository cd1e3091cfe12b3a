namespace Choreblimey.Webhooks.Catalogs.DotMac;

/// <summary>
/// DotMac's in-process ticketing event bus (the "second in-house event system"): handlers subscribe and every published
/// event is handed to each of them in turn.
/// </summary>
public sealed class TicketingEvents
{
    private readonly Lock _gate = new();
    private Func<TicketingEvent, CancellationToken, ValueTask>[] _handlers = [];

    /// <summary>Subscribes a handler.</summary>
    /// <param name="handler">Called for every event.</param>
    public void Subscribe(Func<TicketingEvent, CancellationToken, ValueTask> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_gate)
        {
            _handlers = [.. _handlers, handler];
        }
    }

    /// <summary>Publishes an event to every handler.</summary>
    /// <param name="ticketingEvent">The event.</param>
    /// <param name="cancellationToken">A token to cancel.</param>
    /// <returns>A task that completes when every handler has run.</returns>
    public async Task PublishAsync(TicketingEvent ticketingEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ticketingEvent);
        foreach (var handler in Volatile.Read(ref _handlers))
        {
            await handler(ticketingEvent, cancellationToken);
        }
    }
}
