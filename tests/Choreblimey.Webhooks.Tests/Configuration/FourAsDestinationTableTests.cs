using Choreblimey.Webhooks.Testing.Support;
using Microsoft.Extensions.Configuration;

namespace Choreblimey.Webhooks.Tests.Configuration;

/// <summary>
/// <see cref="FourAsPreset"/> against 4AS's own table of Make.com variables (its audit's complete list): each of the
/// eleven variables carries exactly its event types; the seven optional ones fall back to the booking URL, and an event
/// whose variables are all unset is skipped.
/// </summary>
public sealed class FourAsDestinationTableTests : IAsyncLifetime
{
    private const string Booking = "MAKE_BOOKING_WEBHOOK_URL";

    /// <summary>The table as 4AS's audit gives it: variable, fallback, event types.</summary>
    private static readonly (string Variable, string? Fallback, string[] EventTypes)[] Table =
    [
        ("MAKE_SIGNUP_WEBHOOK_URL", null, ["signup"]),
        (Booking, null, ["booking.created"]),
        ("MAKE_CANCELLATION_WEBHOOK_URL", null, ["booking.cancelled"]),
        ("MAKE_MESSAGE_WEBHOOK_URL", null, ["message.sent"]),
        ("MAKE_RESCHEDULE_WEBHOOK_URL", Booking, ["booking.rescheduled"]),
        ("MAKE_COMPLETION_WEBHOOK_URL", Booking, ["appointment.completed"]),
        ("MAKE_REFUND_WEBHOOK_URL", Booking, ["order.refunded"]),
        ("MAKE_RATING_WEBHOOK_URL", Booking, ["rating.created", "rating.updated"]),
        ("MAKE_TICKET_WEBHOOK_URL", Booking, ["ticket.created", "ticket.status_changed", "ticket.message_added"]),
        ("MAKE_ADMIN_WEBHOOK_URL", Booking, ["course.created", "course.updated", "course.deleted", "tutor.created", "tutor.updated", "tutor.rate.updated", "tutor.availability.updated"]),
        ("MAKE_ERROR_WEBHOOK_URL", Booking, ["error.occurred"]),
    ];

    private LoopbackReceiver _receiver = null!;

    public static TheoryData<string> Variables => [.. Table.Select(r => r.Variable)];

    public static TheoryData<string> OptionalVariables => [.. Table.Where(r => r.Fallback is not null).Select(r => r.Variable)];

    public async Task InitializeAsync() => _receiver = await LoopbackReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public void The_table_covers_each_of_the_hosts_20_events_once()
    {
        Assert.Equal(11, Table.Length);
        Assert.Equal(Events.HostEventNames.FourAs.Order(), Table.SelectMany(r => r.EventTypes).Order());
    }

    [Theory]
    [MemberData(nameof(Variables))]
    public async Task Each_variable_carries_its_own_event_types(string variable)
    {
        // The booking URL is set too, so an optional variable's events reaching its own URL shows it wins over the fallback.
        await AssertRoutedAsync(variable == Booking ? [variable] : [variable, Booking]);
    }

    [Theory]
    [MemberData(nameof(OptionalVariables))]
    public async Task An_optional_variable_needs_no_booking_url(string variable) =>
        await AssertRoutedAsync([variable]);

    [Fact]
    public async Task With_only_the_booking_url_the_optional_variables_fall_back_to_it_and_the_others_are_skipped() =>
        await AssertRoutedAsync([Booking]);

    [Fact]
    public async Task With_every_variable_set_each_event_goes_to_its_own_url() =>
        await AssertRoutedAsync([.. Table.Select(r => r.Variable)]);

    [Fact]
    public async Task With_no_variable_set_every_event_is_skipped() =>
        await AssertRoutedAsync([]);

    /// <summary>
    /// Sets <paramref name="variables"/> (each to a path of its own), publishes every event once, and checks each reached
    /// the URL the table gives it (its own variable's, else its fallback's) or, with neither set, was skipped.
    /// </summary>
    private async Task AssertRoutedAsync(string[] variables)
    {
        var environment = new ConfigurationBuilder()
            .AddInMemoryCollection(variables.Select(v => new KeyValuePair<string, string?>(v, _receiver.Url(PathOf(v)).ToString())))
            .Build();
        await using var host = await WebhookTestHost.StartAsync(webhooks => webhooks.AddFourAsEvents().AddFourAsDestinations(environment));
        var expected = Table
            .SelectMany(r => r.EventTypes.Select(e => (EventType: e, Variable: variables.Contains(r.Variable) ? r.Variable : r.Fallback is { } f && variables.Contains(f) ? f : null)))
            .ToDictionary(e => e.EventType, e => e.Variable is null ? null : PathOf(e.Variable));

        var receipts = new Dictionary<string, WebhookPublishReceipt>();
        foreach (var eventType in expected.Keys)
        {
            receipts[eventType] = await host.Publisher.PublishAsync(eventType, new { Id = eventType });
        }

        await _receiver.WaitForCountAsync(expected.Values.Count(p => p is not null));
        var routed = receipts.ToDictionary(
            r => r.Key,
            r => r.Value.DeliveryCount == 0 ? null : _receiver.Received.Single(w => w.WebhookId == r.Value.EventId).Path);
        Assert.Equal(expected, routed);
        Assert.All(receipts.Values, r => Assert.Equal(WebhookPublishStatus.Published, r.Status));
        Assert.All(receipts.Values, r => Assert.InRange(r.DeliveryCount, 0, 1));
    }

    private static string PathOf(string variable) => "/" + variable.ToLowerInvariant();
}
