using Choreblimey.Webhooks.Testing;
using FsCheck;
using FsCheck.Fluent;

namespace Choreblimey.Webhooks.Tests.Signing;

public sealed class WebhookVerifierPropertyTests
{
    private const long Now = 1_800_000_000;
    private static readonly StandardWebhookSigner Signer = new();
    private static readonly WebhookVerifier Verifier = new(timeProvider: new Choreblimey.Webhooks.Testing.WebhookTestClock(DateTimeOffset.FromUnixTimeSeconds(Now)));
    private static readonly WebhookSecret Secret = WebhookSecret.Generate();

    private static Gen<byte[]> Bodies(int minLength) =>
        from length in Gen.Choose(minLength, 2_048)
        from bytes in Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), length)
        select bytes;

    [Fact]
    public void Any_single_byte_change_to_the_body_is_rejected()
    {
        var cases =
            from body in Bodies(minLength: 1)
            from index in Gen.Choose(0, body.Length - 1)
            from flip in Gen.Choose(1, 255)
            select (body, index, flip: (byte)flip);

        Prop.ForAll(Arb.From(cases), c =>
        {
            var signature = Signer.Sign(Secret, "msg_prop", DateTimeOffset.FromUnixTimeSeconds(Now), c.body);
            var tampered = (byte[])c.body.Clone();
            tampered[c.index] ^= c.flip;

            var original = Verifier.Verify(c.body, "msg_prop", "1800000000", signature, Secret);
            var result = Verifier.Verify(tampered, "msg_prop", "1800000000", signature, Secret);

            return original.IsValid && !result.IsValid && result.Failure == WebhookVerificationFailure.NoMatchingSignature;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Whatever_the_signer_signs_the_verifier_accepts()
    {
        var cases =
            from body in Bodies(minLength: 0)
            from id in ArbMap.Default.GeneratorFor<NonEmptyString>()
            from skew in Gen.Choose(-300, 300)
            select (body, id: id.Get, skew);

        Prop.ForAll(Arb.From(cases), c =>
        {
            var sent = DateTimeOffset.FromUnixTimeSeconds(Now + c.skew);
            var signature = Signer.Sign([WebhookSecret.Generate(), Secret], c.id, sent, c.body);

            var result = Verifier.Verify(c.body, c.id, (Now + c.skew).ToString(System.Globalization.CultureInfo.InvariantCulture), signature, Secret);

            return result.IsValid;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Arbitrary_header_text_never_throws_and_never_verifies()
    {
        var headers = ArbMap.Default.GeneratorFor<string>().Select(s => s ?? string.Empty);
        var cases =
            from id in headers
            from timestamp in headers
            from signature in headers
            select (id, timestamp, signature);

        Prop.ForAll(Arb.From(cases), c =>
            !Verifier.Verify(SpecVectorBody, c.id, c.timestamp, c.signature, Secret).IsValid
            && !Verifier.Verify(SpecVectorBody, c.id, "1800000000", "v1," + c.signature, Secret).IsValid)
            .QuickCheckThrowOnFailure();
    }

    private static byte[] SpecVectorBody => SpecVector.Body;
}
