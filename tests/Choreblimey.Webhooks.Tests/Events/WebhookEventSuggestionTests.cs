namespace Choreblimey.Webhooks.Tests.Events;

public class WebhookEventSuggestionTests
{
    private static WebhookEventRegistry FourAs() => HostEventNames.CreateRegistry(HostEventNames.FourAs);

    private static WebhookEventRegistry Choreblimey() => HostEventNames.CreateRegistry(HostEventNames.Choreblimey);

    [Fact]
    public void Appointment_rescheduled_suggests_booking_rescheduled_in_the_top_three()
    {
        var closest = FourAs().FindClosestNames("appointment_rescheduled");

        Assert.InRange(closest.Count, 1, 3);
        Assert.Contains("booking.rescheduled", closest);
        Assert.Contains("appointment.completed", closest);
    }

    [Fact]
    public void A_transposition_typo_puts_the_intended_name_first()
    {
        var closest = Choreblimey().FindClosestNames("chore:craeted");

        Assert.Equal("chore:created", closest[0]);
    }

    [Theory]
    [InlineData("bookng.created", "booking.created")]
    [InlineData("booking_cancelled", "booking.cancelled")]
    [InlineData("Booking.Created", "booking.created")]
    [InlineData("tutor.rate_updated", "tutor.rate.updated")]
    [InlineData("messages.sent", "message.sent")]
    [InlineData("booking.created.v2", "booking.created")]
    public void Typos_separator_and_case_mistakes_rank_the_intended_name_first_in_4as(string query, string expected) =>
        Assert.Equal(expected, FourAs().FindClosestNames(query)[0]);

    [Theory]
    [InlineData("chore_created", "chore:created")]
    [InlineData("stars:purchase-request", "stars:purchase-requested")]
    [InlineData("family-gift:deleeted", "family-gift:deleted")]
    [InlineData("reward.fulfiled", "reward:fulfilled")]
    [InlineData("chore", "chore:created")]
    public void Typos_separator_and_case_mistakes_rank_the_intended_name_first_in_choreblimey(string query, string expected) =>
        Assert.Equal(expected, Choreblimey().FindClosestNames(query)[0]);

    [Theory]
    [InlineData("xyzzy")]
    [InlineData("zebra.migration")]
    [InlineData("completely.unrelated.thing")]
    [InlineData("a")]
    [InlineData("")]
    [InlineData("...")]
    public void An_unrelated_name_gets_no_suggestions(string query)
    {
        Assert.Empty(FourAs().FindClosestNames(query));
        Assert.Empty(Choreblimey().FindClosestNames(query));
    }

    [Fact]
    public void A_name_sharing_only_a_common_action_gets_names_with_that_action()
    {
        var closest = Choreblimey().FindClosestNames("widget:created");

        Assert.NotEmpty(closest);
        Assert.All(closest, name => Assert.EndsWith(":created", name, StringComparison.Ordinal));
    }

    [Fact]
    public void Max_count_limits_the_result()
    {
        var registry = FourAs();

        Assert.Single(registry.FindClosestNames("booking.created", 1));
        Assert.Empty(registry.FindClosestNames("booking.created", 0));
        Assert.True(registry.FindClosestNames("ticket.created", 10).Count > 3);
        Assert.Throws<ArgumentOutOfRangeException>(() => registry.FindClosestNames("booking.created", -1));
    }

    [Fact]
    public void A_declared_name_is_its_own_closest_name() =>
        Assert.Equal("ticket.status_changed", FourAs().FindClosestNames("ticket.status_changed")[0]);

    [Fact]
    public void An_empty_registry_suggests_nothing() =>
        Assert.Empty(new WebhookEventRegistry([]).FindClosestNames("chore:created"));

    [Fact]
    public void A_very_long_query_is_handled()
    {
        var closest = FourAs().FindClosestNames("booking.created" + new string('x', 10_000));

        Assert.NotNull(closest);
    }
}
