namespace Choreblimey.Webhooks.Tests.Events;

public class UnknownWebhookEventExceptionTests
{
    [Fact]
    public void Message_lists_the_closest_names()
    {
        var ex = new UnknownWebhookEventException("appointment_rescheduled", ["booking.rescheduled", "appointment.completed"]);

        Assert.Equal(
            "The webhook event type 'appointment_rescheduled' is not declared. Closest declared names: "
            + "'booking.rescheduled', 'appointment.completed'. Declare it with AddEvent(...) when registering the webhooks.",
            ex.Message);
        Assert.Equal("appointment_rescheduled", ex.EventType);
        Assert.Equal(["booking.rescheduled", "appointment.completed"], ex.ClosestNames);
    }

    [Fact]
    public void Message_with_one_suggestion_uses_the_singular()
    {
        var ex = new UnknownWebhookEventException("chore:craeted", ["chore:created"]);

        Assert.Contains("Closest declared name: 'chore:created'.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Message_without_suggestions_says_nothing_is_close()
    {
        var ex = new UnknownWebhookEventException("xyzzy", []);

        Assert.Equal(
            "The webhook event type 'xyzzy' is not declared. No declared name is close to it. "
            + "Declare it with AddEvent(...) when registering the webhooks.",
            ex.Message);
        Assert.Empty(ex.ClosestNames);
    }

    [Fact]
    public void Message_when_no_events_are_declared_says_so()
    {
        var ex = new UnknownWebhookEventException("xyzzy", [], anyEventsDeclared: false);

        Assert.Contains("No webhook events are declared at all.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ClosestNames_is_a_copy()
    {
        var names = new List<string> { "chore:created" };
        var ex = new UnknownWebhookEventException("chore:craeted", names);

        names.Add("chore:updated");

        Assert.Single(ex.ClosestNames);
    }

    [Fact]
    public void Standard_constructors_work()
    {
        var inner = new InvalidOperationException("inner");

        Assert.Equal(string.Empty, new UnknownWebhookEventException().EventType);
        Assert.Equal("m", new UnknownWebhookEventException("m").Message);
        Assert.Same(inner, new UnknownWebhookEventException("m", inner).InnerException);
        Assert.Same(inner, new WebhookException("m", inner).InnerException);
        Assert.Equal("m", new WebhookException("m").Message);
        Assert.NotNull(new WebhookException().Message);
    }
}
