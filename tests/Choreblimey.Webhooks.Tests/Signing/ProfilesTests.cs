using System.Security.Cryptography;
using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace Choreblimey.Webhooks.Tests.Signing;

public sealed class ProfilesTests
{
    private static readonly WebhookSecret Secret = WebhookSecret.Parse("a-plain-shared-secret-of-enough-bytes");
    private static readonly WebhookSecret Other = WebhookSecret.Generate();
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"type":"chore:created","data":{"id":1}}""");
    private static readonly WebhookVerifier Verifier = new();

    private static string Hex(WebhookSecret secret, byte[] body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes("a-plain-shared-secret-of-enough-bytes"), body)) is var hex && secret == Secret
            ? hex
            : throw new InvalidOperationException("Only the plain test secret has known key bytes.");

    [Fact]
    public void Hex_signatures_are_the_plain_hmac_of_the_body_with_the_prefix()
    {
        Assert.Equal("sha256=" + Hex(Secret, Body), WebhookHexSignature.Sign([Secret], "sha256=", Body));
        Assert.Equal(Hex(Secret, Body), WebhookHexSignature.Sign([Secret], "", Body));
        var two = WebhookHexSignature.Sign([Other, Secret], "sha256=", Body);
        Assert.Equal(2, two.Split(',').Length);
        Assert.EndsWith("sha256=" + Hex(Secret, Body), two, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sha256=", true)]
    [InlineData("SHA256=", true)]
    [InlineData("", false)]
    public void VerifyHex_accepts_the_signature_and_any_entry_of_a_rotation_list(string headerPrefix, bool withPrefix)
    {
        var hex = Hex(Secret, Body);
        var header = withPrefix ? headerPrefix + hex : hex;
        var prefix = withPrefix ? "sha256=" : "";

        Assert.True(Verifier.VerifyHex(Body, header, [Secret], prefix).IsValid);
        Assert.True(Verifier.VerifyHex(Body, $"{prefix}{new string('0', 64)}, {header}", [Other, Secret], prefix).IsValid);
        Assert.Equal(WebhookVerificationFailure.NoMatchingSignature, Verifier.VerifyHex(Body, header, [Other], prefix).Failure);
        var tampered = (byte[])Body.Clone();
        tampered[^2] ^= 1;
        Assert.Equal(WebhookVerificationFailure.NoMatchingSignature, Verifier.VerifyHex(tampered, header, [Secret], prefix).Failure);
    }

    [Theory]
    [InlineData(null, WebhookVerificationFailure.MissingHeader)]
    [InlineData("", WebhookVerificationFailure.MissingHeader)]
    [InlineData("sha256=", WebhookVerificationFailure.MalformedSignature)]
    [InlineData("sha256=zz", WebhookVerificationFailure.MalformedSignature)]
    [InlineData("md5=00112233", WebhookVerificationFailure.MalformedSignature)]
    [InlineData(",,,, ,", WebhookVerificationFailure.MalformedSignature)]
    [InlineData("sha256=\ud800\udc00\ud800", WebhookVerificationFailure.MalformedSignature)]
    public void VerifyHex_never_throws_on_hostile_headers(string? header, WebhookVerificationFailure failure) =>
        Assert.Equal(failure, Verifier.VerifyHex(Body, header, [Secret], "sha256=").Failure);

    [Fact]
    public void VerifyHex_survives_any_header_text()
    {
        Prop.ForAll<string>(header =>
        {
            var result = Verifier.VerifyHex(Body, header, [Secret], "sha256=");
            return !result.IsValid;
        }).QuickCheckThrowOnFailure();
        Assert.False(Verifier.VerifyHex(Body, "sha256=" + new string('a', 1_000_000), [Secret], "sha256=").IsValid);
    }

    [Fact]
    public void The_profile_aware_verify_reads_each_profiles_headers()
    {
        Assert.NotEmpty(WebhookSignatureProfile.BuiltIn);
        foreach (var profile in WebhookSignatureProfile.BuiltIn)
        {
            var now = DateTimeOffset.UtcNow;
            var signature = profile.Scheme == WebhookSignatureScheme.HmacSha256Hex
                ? WebhookHexSignature.Sign([Secret], profile.SignaturePrefix, Body)
                : new StandardWebhookSigner().Sign(Secret, "msg_1", now, Body);
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
            {
                [WebhookHeaders.Id] = "msg_1",
                [WebhookHeaders.Timestamp] = now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
                [profile.SignatureHeader] = signature,
            };

            Assert.True(Verifier.Verify(profile, Body, headers.GetValueOrDefault, [Secret]).IsValid, profile.Name);
            Assert.False(Verifier.Verify(profile, Body, headers.GetValueOrDefault, [Other]).IsValid, profile.Name);
            Assert.Equal(WebhookVerificationFailure.MissingHeader, Verifier.Verify(profile, Body, _ => null, [Secret]).Failure);
        }
    }

    [Fact]
    public void Built_in_profiles_have_the_documented_header_names()
    {
        Assert.Equal(("X-Choreblimey-Signature", "sha256="), (WebhookSignatureProfile.Choreblimey.SignatureHeader, WebhookSignatureProfile.Choreblimey.SignaturePrefix));
        Assert.Equal(("X-Webhook-Signature", "", "X-Webhook-ID", "X-Event-Type"), (WebhookSignatureProfile.Jossiedb.SignatureHeader, WebhookSignatureProfile.Jossiedb.SignaturePrefix, WebhookSignatureProfile.Jossiedb.SubscriptionIdHeader, WebhookSignatureProfile.Jossiedb.EventTypeHeader));
        Assert.Null(WebhookSignatureProfile.Jossiedb.IdHeader);
        Assert.Equal(("X-Hub-Signature-256", "sha256="), (WebhookSignatureProfile.GitHub.SignatureHeader, WebhookSignatureProfile.GitHub.SignaturePrefix));
        Assert.Equal(WebhookHeaders.Signature, WebhookSignatureProfile.Standard.SignatureHeader);
    }
}
