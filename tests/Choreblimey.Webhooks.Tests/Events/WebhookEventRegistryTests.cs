namespace Choreblimey.Webhooks.Tests.Events;

public class WebhookEventRegistryTests
{
    private sealed record BookingPayload(string Id);

    private sealed record ChorePayload(string Id);

    private static WebhookEventRegistry FourAs() => HostEventNames.CreateRegistry(HostEventNames.FourAs);

    [Fact]
    public void Enumerates_in_declaration_order_with_count()
    {
        var catalog = new WebhookEventCatalog();
        foreach (var name in HostEventNames.FourAs)
        {
            catalog.Add(new WebhookEventDefinition { Name = name, Category = name.Split('.')[0] });
        }

        var registry = new WebhookEventRegistry(catalog);
        Assert.IsAssignableFrom<IWebhookEventRegistry>(registry);

        Assert.Equal(20, registry.Count);
        Assert.Equal(HostEventNames.FourAs, registry.Select(d => d.Name));
        Assert.Equal(
            ["signup", "booking", "appointment", "order", "message", "rating", "ticket", "course", "tutor", "error"],
            registry.Categories);
    }

    [Fact]
    public void Later_catalog_changes_do_not_affect_a_built_registry()
    {
        var catalog = new WebhookEventCatalog();
        catalog.Add(new WebhookEventDefinition { Name = "chore:created", Category = "Chores" });
        var registry = new WebhookEventRegistry(catalog);

        catalog.Add(new WebhookEventDefinition { Name = "chore:updated", Category = "Chores" });

        Assert.Single(registry);
        Assert.False(registry.TryGetEvent("chore:updated", out _));
    }

    [Fact]
    public void TryGetEvent_finds_declared_events_by_exact_name()
    {
        var registry = FourAs();

        Assert.True(registry.TryGetEvent("booking.rescheduled", out var definition));
        Assert.Equal("booking.rescheduled", definition.Name);
        Assert.False(registry.TryGetEvent("Booking.Rescheduled", out var missing));
        Assert.Null(missing);
        Assert.False(registry.TryGetEvent("booking_rescheduled", out _));
    }

    [Fact]
    public void GetEvent_returns_the_definition()
    {
        var definition = new WebhookEventDefinition
        {
            Name = "booking.created",
            Category = "Bookings",
            Description = "A booking was made.",
            PayloadType = typeof(BookingPayload),
            Version = 2,
            IsDeprecated = true,
            DeprecationMessage = "Use booking.confirmed.",
        };
        var registry = new WebhookEventRegistry([definition]);

        Assert.Same(definition, registry.GetEvent("booking.created"));
    }

    [Fact]
    public void GetEvent_throws_UnknownWebhookEventException_with_suggestions()
    {
        var registry = FourAs();

        var ex = Assert.Throws<UnknownWebhookEventException>(() => registry.GetEvent("appointment_rescheduled"));

        Assert.Equal("appointment_rescheduled", ex.EventType);
        Assert.Contains("booking.rescheduled", ex.ClosestNames);
        Assert.StartsWith(
            "The webhook event type 'appointment_rescheduled' is not declared. Closest declared names: 'booking.rescheduled'",
            ex.Message,
            StringComparison.Ordinal);
        Assert.EndsWith("Declare it with AddEvent(...) when registering the webhooks.", ex.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<WebhookException>(ex);
    }

    [Fact]
    public void GetEvent_on_an_empty_registry_says_no_events_are_declared()
    {
        var registry = new WebhookEventRegistry([]);

        var ex = Assert.Throws<UnknownWebhookEventException>(() => registry.GetEvent("chore:created"));

        Assert.Empty(ex.ClosestNames);
        Assert.Equal(
            "The webhook event type 'chore:created' is not declared. No webhook events are declared at all. "
            + "Declare it with AddEvent(...) when registering the webhooks.",
            ex.Message);
    }

    [Fact]
    public void Constructor_rejects_duplicates_and_invalid_definitions()
    {
        var duplicate = Assert.Throws<InvalidOperationException>(() => HostEventNames.CreateRegistry(["a.b", "a.c", "a.b"]));
        Assert.Contains("'a.b' is declared twice", duplicate.Message, StringComparison.Ordinal);

        var invalid = Assert.Throws<ArgumentException>(() => HostEventNames.CreateRegistry(["a.b", "A.b"]));
        Assert.Contains("'A.b'", invalid.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Categories_are_distinct_in_first_declaration_order()
    {
        var registry = new WebhookEventRegistry(
        [
            new WebhookEventDefinition { Name = "b.one", Category = "B" },
            new WebhookEventDefinition { Name = "a.one", Category = "A" },
            new WebhookEventDefinition { Name = "b.two", Category = "B" },
            new WebhookEventDefinition { Name = "c.one", Category = "C" },
        ]);

        Assert.Equal(["B", "A", "C"], registry.Categories);
    }

    [Fact]
    public void TryGetEventForPayload_finds_the_single_event_with_that_type()
    {
        var registry = new WebhookEventRegistry(
        [
            new WebhookEventDefinition { Name = "booking.created", Category = "Bookings", PayloadType = typeof(BookingPayload) },
            new WebhookEventDefinition { Name = "chore:created", Category = "Chores", PayloadType = typeof(ChorePayload) },
            new WebhookEventDefinition { Name = "signup", Category = "Users" },
        ]);

        Assert.True(registry.TryGetEventForPayload(typeof(BookingPayload), out var definition));
        Assert.Equal("booking.created", definition.Name);
        Assert.False(registry.TryGetEventForPayload(typeof(string), out var none));
        Assert.Null(none);
        Assert.False(registry.TryGetEventForPayload(typeof(object), out _));
    }

    [Fact]
    public void TryGetEventForPayload_throws_when_several_events_share_the_type()
    {
        var registry = new WebhookEventRegistry(
        [
            new WebhookEventDefinition { Name = "booking.created", Category = "Bookings", PayloadType = typeof(BookingPayload) },
            new WebhookEventDefinition { Name = "booking.cancelled", Category = "Bookings", PayloadType = typeof(BookingPayload) },
            new WebhookEventDefinition { Name = "chore:created", Category = "Chores", PayloadType = typeof(ChorePayload) },
        ]);

        var ex = Assert.Throws<InvalidOperationException>(() => registry.TryGetEventForPayload(typeof(BookingPayload), out _));

        Assert.Contains("'booking.created', 'booking.cancelled'", ex.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(BookingPayload), ex.Message, StringComparison.Ordinal);
        Assert.True(registry.TryGetEventForPayload(typeof(ChorePayload), out var chore));
        Assert.Equal("chore:created", chore.Name);
    }

    [Fact]
    public void Null_arguments_are_rejected()
    {
        var registry = FourAs();

        Assert.Throws<ArgumentNullException>(() => registry.TryGetEvent(null!, out _));
        Assert.Throws<ArgumentNullException>(() => registry.GetEvent(null!));
        Assert.Throws<ArgumentNullException>(() => registry.TryGetEventForPayload(null!, out _));
        Assert.Throws<ArgumentNullException>(() => registry.FindClosestNames(null!));
    }
}
