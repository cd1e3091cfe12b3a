namespace Choreblimey.Webhooks.Tests.Events;

public class WebhookEventNameTests
{
    public static TheoryData<string, string> HostNames => HostEventNames.AllAsTheoryData();

    [Fact]
    public void Host_catalogs_hold_124_names_including_repeats()
    {
        Assert.Equal(24, HostEventNames.Choreblimey.Length);
        Assert.Equal(11, HostEventNames.Jossiedb.Length);
        Assert.Equal(20, HostEventNames.FourAs.Length);
        Assert.Equal(47, HostEventNames.DotMac.Length);
        Assert.Equal(22, HostEventNames.WhatsCrm.Length);
        Assert.Equal(124, HostEventNames.All.Count());
        Assert.Equal(124, HostNames.Count);
    }

    [Theory]
    [MemberData(nameof(HostNames))]
    public void Every_host_event_name_is_valid(string host, string name)
    {
        Assert.NotEmpty(host);
        Assert.True(WebhookEventName.IsValid(name, out var reason), reason);
        Assert.Equal(string.Empty, reason);
        Assert.True(WebhookEventName.IsValid(name));
        WebhookEventName.EnsureValid(name, nameof(name));
    }

    [Theory]
    [InlineData("webhook.endpoint.disabled")]
    [InlineData("webhook.delivery.dead_lettered")]
    [InlineData("a")]
    [InlineData("a1")]
    [InlineData("v2.order.created")]
    [InlineData("order.v2")]
    [InlineData("a.b:c-d_e")]
    public void Library_and_edge_case_names_are_valid(string name) =>
        Assert.True(WebhookEventName.IsValid(name, out var reason), reason);

    [Fact]
    public void A_name_of_exactly_MaxLength_characters_is_valid()
    {
        Assert.Equal(128, WebhookEventName.MaxLength);
        Assert.True(WebhookEventName.IsValid(new string('a', WebhookEventName.MaxLength)));
    }

    [Theory]
    [InlineData("", "is empty")]
    [InlineData(" ", "whitespace")]
    [InlineData("chore created", "whitespace")]
    [InlineData("chore\tcreated", "whitespace")]
    [InlineData("chore\ncreated", "whitespace")]
    [InlineData("chore:created\n", "whitespace")]
    [InlineData("Chore:created", "upper-case letter 'C'")]
    [InlineData("chore:Created", "upper-case letter 'C' at index 6")]
    [InlineData("chore::created", "two separators in a row ('::')")]
    [InlineData("chore.-created", "two separators in a row ('.-')")]
    [InlineData("a..b", "two separators in a row")]
    [InlineData(".chore", "starts with the separator '.'")]
    [InlineData("-chore", "starts with the separator '-'")]
    [InlineData("chore.", "ends with the separator '.'")]
    [InlineData("chore_", "ends with the separator '_'")]
    [InlineData("1chore", "starts with the digit '1'")]
    [InlineData("chore/created", "the character '/' at index 5")]
    [InlineData("chöre", "'ö' (U+00F6) at index 2")]
    [InlineData("chore*", "the character '*'")]
    public void Invalid_names_are_rejected_with_the_rule_they_break(string name, string expectedReason)
    {
        Assert.False(WebhookEventName.IsValid(name));
        Assert.False(WebhookEventName.IsValid(name, out var reason));
        Assert.Contains(expectedReason, reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Null_is_rejected()
    {
        Assert.False(WebhookEventName.IsValid(null));
        Assert.False(WebhookEventName.IsValid(null, out var reason));
        Assert.Contains("null", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_name_longer_than_MaxLength_is_rejected()
    {
        var name = new string('a', WebhookEventName.MaxLength + 1);
        Assert.False(WebhookEventName.IsValid(name, out var reason));
        Assert.Contains("129 characters long; the maximum is 128", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Non_ascii_letters_and_digits_are_rejected()
    {
        Assert.False(WebhookEventName.IsValid("chore.\u0661"));
        Assert.False(WebhookEventName.IsValid("\u00e9vent"));
        Assert.False(WebhookEventName.IsValid("chore.\uff43reated"));
    }

    [Fact]
    public void EnsureValid_throws_ArgumentException_naming_the_event_and_the_rule()
    {
        var ex = Assert.Throws<ArgumentException>(() => WebhookEventName.EnsureValid("Chore:created", "eventType"));

        Assert.Equal("eventType", ex.ParamName);
        Assert.Contains("'Chore:created' is not a valid webhook event name.", ex.Message, StringComparison.Ordinal);
        Assert.Contains("upper-case letter 'C' at index 0; event names are lower case", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EnsureValid_escapes_control_characters_in_the_quoted_name()
    {
        var ex = Assert.Throws<ArgumentException>(() => WebhookEventName.EnsureValid("chore\tcreated", "name"));

        Assert.Contains(@"'chore\tcreated'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("whitespace", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EnsureValid_throws_ArgumentNullException_for_null()
    {
        var ex = Assert.Throws<ArgumentNullException>(() => WebhookEventName.EnsureValid(null, "name"));

        Assert.Equal("name", ex.ParamName);
        Assert.IsAssignableFrom<ArgumentException>(ex);
    }

    [Fact]
    public void EnsureValid_accepts_a_valid_name() => Assert.Null(Record.Exception(() => WebhookEventName.EnsureValid("booking.created", "name")));
}
