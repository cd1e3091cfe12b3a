using Microsoft.Extensions.DependencyInjection;

namespace Choreblimey.Webhooks.Tests.Signing;

/// <summary>A host's own signature profile is checked when it is registered, and the contract describes what it sends.</summary>
public sealed class SignatureProfileRegistrationTests
{
    private static void Register(WebhookSignatureProfile profile) => new ServiceCollection().AddWebhooks().AddSignatureProfile(profile);

    [Theory]
    [InlineData("X-Acme Sig", null, null, "SignatureHeader 'X-Acme Sig' that is not an HTTP token (RFC 7230): it contains U+0020 at position 6")]
    [InlineData("X-Acme-Sig", "x-acme-sig", null, "names the header 'x-acme-sig' as both its SignatureHeader and its IdHeader")]
    [InlineData("X-Acme-Sig", "X-Acme-Id", "x-acme-id", "names the header 'x-acme-id' as both its IdHeader and its EventTypeHeader")]
    [InlineData("X-Acme-Sig", "Webhook-Id", null, "names the header 'Webhook-Id' as its IdHeader, but the library sets 'Webhook-Id' on every request itself")]
    [InlineData("X-Acme-Sig", null, "Content-Type", "names the header 'Content-Type' as its EventTypeHeader, but the library sets")]
    [InlineData("", null, null, "The signature profile 'acme' has an empty SignatureHeader.")]
    public void A_profile_with_a_bad_or_clashing_header_is_refused_naming_it(string signatureHeader, string? idHeader, string? eventTypeHeader, string expected)
    {
        var profile = new WebhookSignatureProfile
        {
            Name = "acme",
            Scheme = WebhookSignatureScheme.HmacSha256Hex,
            SignatureHeader = signatureHeader,
            IdHeader = idHeader,
            EventTypeHeader = eventTypeHeader,
        };

        var exception = Assert.Throws<ArgumentException>(() => Register(profile));

        Assert.Contains(expected, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_built_in_profiles_and_a_subscription_id_header_pass()
    {
        Assert.NotEmpty(WebhookSignatureProfile.BuiltIn);
        Assert.All(WebhookSignatureProfile.BuiltIn, profile => Assert.Null(Record.Exception(() => Register(profile))));
        Assert.Null(Record.Exception(() => Register(new WebhookSignatureProfile { Name = "acme", SubscriptionIdHeader = "X-Acme-Hook", EventTypeHeader = "X-Acme-Event" })));
    }

    [Fact]
    public void Verifying_with_a_custom_standard_profile_names_its_signature_header_in_failures()
    {
        var profile = new WebhookSignatureProfile { Name = "acme", SignatureHeader = "X-Acme-Signature" };
        var secret = WebhookSecret.Generate();
        var body = "{}"u8.ToArray();
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var verifier = new WebhookVerifier();

        var missing = verifier.Verify(profile, body, name => name switch { "webhook-id" => "msg_1", "webhook-timestamp" => now, _ => null }, [secret]);
        var malformed = verifier.Verify(profile, body, name => name switch { "webhook-id" => "msg_1", "webhook-timestamp" => now, "X-Acme-Signature" => "nonsense", _ => null }, [secret]);

        Assert.Equal(WebhookVerificationFailure.MissingHeader, missing.Failure);
        Assert.Contains("X-Acme-Signature", missing.Message, StringComparison.Ordinal);
        Assert.Equal(WebhookVerificationFailure.MalformedSignature, malformed.Failure);
        Assert.Contains("The X-Acme-Signature header has no well-formed entry", malformed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_contract_of_a_custom_standard_profile_lists_its_renamed_signature_and_extra_headers()
    {
        var profile = new WebhookSignatureProfile { Name = "acme", SignatureHeader = "X-Acme-Signature", SubscriptionIdHeader = "X-Acme-Hook", EventTypeHeader = "X-Acme-Event" };

        var headers = WebhookContractExporter.HeadersFor(profile).Select(h => h.Name).ToList();

        Assert.Equal([WebhookHeaders.Id, WebhookHeaders.Timestamp, "X-Acme-Signature", "X-Acme-Hook", "X-Acme-Event"], headers);
        Assert.Same(WebhookContractExporter.StandardHeaders, WebhookContractExporter.HeadersFor(WebhookSignatureProfile.Standard));
    }
}
