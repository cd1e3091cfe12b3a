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

    [Theory]
    [InlineData(65)]
    [InlineData(100)]
    public void Supplied_secrets_longer_than_64_bytes_are_refused_in_both_forms_as_by_FromBytes(int length)
    {
        var prefixed = WebhookSecret.Prefix + Convert.ToBase64String(new byte[length]);
        var plain = new string('k', length);

        Assert.Equal(
            $"A webhook secret must have 24 to 64 key bytes; the base64 after 'whsec_' decodes to {length}.",
            Assert.Throws<FormatException>(() => WebhookSecret.Parse(prefixed)).Message);
        Assert.Equal(
            $"A webhook secret must have 24 to 64 key bytes; this plain secret (its UTF-8 bytes are the key) has {length}.",
            Assert.Throws<FormatException>(() => WebhookSecret.Parse(plain)).Message);
        Assert.Throws<ArgumentException>(() => WebhookSecret.FromBytes(new byte[length]));
    }

    [Fact]
    public void A_plain_text_secret_reveals_the_text_its_key_is_and_parses_back_to_the_same_key()
    {
        var secret = WebhookSecret.GeneratePlainText();

        var text = secret.RevealPlainText();
        Assert.Equal(43, text.Length);
        Assert.Matches("^[A-Za-z0-9_-]{43}$", text);
        Assert.Equal(secret, WebhookSecret.Parse(text));
        Assert.Equal(secret, WebhookSecret.Parse(secret.Reveal()));
        Assert.NotEqual(text, WebhookSecret.GeneratePlainText().RevealPlainText());
        Assert.Equal("a plain shared secret, long enough", WebhookSecret.Parse("a plain shared secret, long enough").RevealPlainText());
    }

    [Fact]
    public void A_random_key_has_no_plain_text_form_and_says_which_form_to_use()
    {
        var error = Assert.Throws<InvalidOperationException>(() => WebhookSecret.FromBytes(new byte[32]).RevealPlainText());

        Assert.StartsWith("This webhook secret's key is random bytes, not text", error.Message, StringComparison.Ordinal);
        Assert.Contains("hand Reveal() to a Standard Webhooks receiver", error.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => WebhookSecret.FromBytes([.. Enumerable.Repeat((byte)0xFF, 32)]).RevealPlainText());
    }

    [Fact]
    public void The_plain_form_counts_UTF8_bytes_not_characters()
    {
        // 32 characters of two UTF-8 bytes each: 64 bytes is the most; one more character is too many.
        Assert.Equal(64, WebhookSecret.Parse(new string('é', 32)).KeyLength);
        Assert.False(WebhookSecret.TryParse(new string('é', 33), out _));
        Assert.Equal(24, WebhookSecret.Parse(new string('k', 24)).KeyLength);
    }

    [Fact]
    public void Every_accepted_plain_secret_round_trips_through_its_stored_whsec_form()
    {
        // Stores keep Reveal()'s whsec_ form; before the upper bound applied to plain secrets, a long one was accepted and
        // then could not be read back.
        foreach (var length in new[] { 24, 40, 64 })
        {
            var secret = WebhookSecret.Parse(new string('s', length));
            Assert.Equal(secret, WebhookSecret.Parse(secret.Reveal()));
        }
    }

    // The Standard Webhooks example secret: 24 key bytes.
    private const string Base64Key = "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    [Theory]
    [InlineData("                        ")]
    [InlineData("whsec_" + Base64Key + "\n")]
    [InlineData("whsec_" + Base64Key + "\r\n")]
    [InlineData(" whsec_" + Base64Key)]
    [InlineData("\tplain-shared-secret-for-a-partner")]
    [InlineData("plain-shared-secret-for-a-partner ")]
    [InlineData("whsec_ " + Base64Key + "\n")]
    public void A_secret_with_leading_or_trailing_whitespace_is_refused_without_echoing_it(string value) =>
        AssertRefusedWithoutEcho(value, "leading or trailing whitespace", "newline");

    [Theory]
    [InlineData("\uFEFFwhsec_" + Base64Key)]
    [InlineData("\uFEFFplain-shared-secret-for-a-partner")]
    [InlineData("plain-shared-secret-for-a-partner\u200B")]
    [InlineData("whsec_" + Base64Key + "\u2060")]
    public void A_secret_with_a_leading_or_trailing_invisible_character_is_refused_without_echoing_it(string value) =>
        AssertRefusedWithoutEcho(value, "invisible character", "byte-order mark");

    [Theory]
    [InlineData("whsec_ " + Base64Key)]
    [InlineData("whsec_MfKQ9r8GKYqr TwjUPD8ILPZIo2LaLaSw")]
    [InlineData("whsec_MfKQ9r8GKYqr\nTwjUPD8ILPZIo2LaLaSw")]
    [InlineData("whsec_MfKQ9r8GKYqr\tTwjUPD8ILPZIo2LaLaSw")]
    [InlineData("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS-")]
    [InlineData("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS_")]
    [InlineData("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2La=aSw")]
    [InlineData("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS")]
    [InlineData("whsec__" + Base64Key)]
    public void The_whsec_form_must_continue_with_base64_and_nothing_else(string value) =>
        AssertRefusedWithoutEcho(value, "base64", "no spaces or line breaks");

    [Theory]
    [InlineData("WHSEC_" + Base64Key)]
    [InlineData("Whsec_" + Base64Key)]
    [InlineData("whsec:" + Base64Key)]
    [InlineData("whsec-" + Base64Key)]
    [InlineData("whsec" + Base64Key)]
    public void A_plain_secret_that_looks_like_a_whsec_secret_with_a_mistyped_prefix_is_refused(string value) =>
        // Accepted as a plain secret, its UTF-8 bytes would be the key: every signature would then fail at the receiver.
        AssertRefusedWithoutEcho(value, "mistyped prefix");

    [Fact]
    public void The_redacted_form_is_refused_pointing_at_Reveal()
    {
        var redacted = WebhookSecret.Generate().ToString();

        // Before, it failed as malformed base64, with nothing saying it was the redacted text.
        var exception = Assert.Throws<FormatException>(() => WebhookSecret.Parse(redacted));
        Assert.Equal("This is the redacted form of a webhook secret ('whsec_***', what WebhookSecret.ToString() and logs show), not the secret: use WebhookSecret.Reveal() to read the secret itself.", exception.Message);
    }

    [Theory]
    [InlineData("whsec_" + Base64Key, 24)]
    [InlineData("whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==", 25)]
    [InlineData("whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", 26)]
    [InlineData("correct horse battery staple 42", 31)]
    [InlineData("a-whsec_-lookalike-that-is-plain", 32)]
    public void Well_formed_secrets_are_still_accepted(string value, int keyLength) =>
        Assert.Equal(keyLength, WebhookSecret.Parse(value).KeyLength);

    [Fact]
    public void The_whsec_form_decodes_to_the_same_key_as_before()
    {
        var strict = WebhookSecret.Parse("whsec_" + Base64Key);

        Assert.Equal(WebhookSecret.FromBytes(Convert.FromBase64String(Base64Key)), strict);
        Assert.Equal("whsec_" + Base64Key, strict.Reveal());
    }

    private static void AssertRefusedWithoutEcho(string value, params string[] reasons)
    {
        Assert.False(WebhookSecret.TryParse(value, out _));
        var message = Assert.Throws<FormatException>(() => WebhookSecret.Parse(value)).Message;

        foreach (var reason in reasons)
        {
            Assert.Contains(reason, message, StringComparison.Ordinal);
        }

        // The text after where a prefix would be, which is the key material in either form.
        var secretPart = value.Trim();
        secretPart = secretPart.Length > 6 ? secretPart[6..].Trim() : secretPart;
        if (secretPart.Length > 0)
        {
            Assert.DoesNotContain(secretPart[..Math.Min(12, secretPart.Length)], message, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("MfKQ9r8G", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_long_secret_is_refused_when_subscribing_without_echoing_it()
    {
        await using var host = await WebhookTestHost.StartAsync(webhooks => webhooks.AddEvent("chore:created", "Chores"));
        var longSecret = "a-plain-shared-secret-that-goes-on-" + new string('x', 40);

        var exception = await Assert.ThrowsAsync<WebhookValidationException>(async () => await host.Subscriptions.CreateAsync("t", new WebhookSubscriptionRequest
        {
            Url = "https://example.com/hooks",
            EventTypes = ["*"],
            Secret = longSecret,
        }));

        Assert.Equal("Secret", exception.PropertyName);
        Assert.Contains("24 to 64 key bytes", exception.Message, StringComparison.Ordinal);
        Assert.Contains($"has {longSecret.Length}", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("a-plain-shared-secret", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(new string('x', 16), exception.Message, StringComparison.Ordinal);
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
        Assert.Contains("24 to 64 key bytes", exception.Message, StringComparison.Ordinal);
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
