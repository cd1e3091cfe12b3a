using Choreblimey.Webhooks.Testing.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Choreblimey.Webhooks.Tests.Security;

public sealed class SecretRulesTests
{
    [Theory]
    [InlineData(24)]
    [InlineData(32)]
    [InlineData(64)]
    public void Generated_secrets_have_the_requested_length_and_are_never_repeated(int length)
    {
        var secrets = Enumerable.Range(0, 50).Select(_ => WebhookSecret.Generate(length).Reveal()).ToHashSet();

        Assert.Equal(50, secrets.Count);
        Assert.All(secrets, s => Assert.Equal(length, WebhookSecret.Parse(s).KeyLength));
    }

    [Theory]
    [InlineData(23)]
    [InlineData(65)]
    public void Generating_outside_24_to_64_bytes_is_refused(int length) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => WebhookSecret.Generate(length));

    [Theory]
    [InlineData(0)]
    [InlineData(16)]
    [InlineData(23)]
    public void Supplied_secrets_shorter_than_24_bytes_are_refused(int length)
    {
        var text = WebhookSecret.Prefix + Convert.ToBase64String(new byte[length]);

        Assert.False(WebhookSecret.TryParse(text, out _));
        Assert.False(WebhookSecret.TryParse(new string('k', length), out _));
        Assert.Throws<ArgumentException>(() => WebhookSecret.FromBytes(new byte[length]));
    }

    [Fact]
    public async Task A_short_secret_is_refused_when_subscribing_without_echoing_it()
    {
        await using var host = await WebhookTestHost.StartAsync(webhooks => webhooks.AddEvent("chore:created", "Chores"));
        const string shortSecret = "tooShortSharedSecret";

        var exception = await Assert.ThrowsAsync<WebhookValidationException>(async () => await host.Subscriptions.CreateAsync("t", new WebhookSubscriptionRequest
        {
            Url = "https://example.com/hooks",
            EventTypes = ["*"],
            Secret = shortSecret,
        }));

        Assert.Equal("Secret", exception.PropertyName);
        Assert.Contains("at least 24 key bytes", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(shortSecret, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_payload_over_the_size_limit_is_refused_at_publish_naming_the_event_type()
    {
        await using var host = await WebhookTestHost.StartAsync(webhooks => webhooks
            .AddEvent("chore:created", "Chores")
            .Configure(o => o.MaxPayloadBytes = 1024));

        var exception = await Assert.ThrowsAsync<WebhookPayloadException>(async () =>
            await host.Publisher.PublishAsync("chore:created", new { Text = new string('a', 2000) }));

        Assert.Equal("chore:created", exception.EventType);
        Assert.Contains("over the limit of 1024 bytes", exception.Message, StringComparison.Ordinal);
    }
}
