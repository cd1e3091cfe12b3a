using Choreblimey.Webhooks.Testing;
using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using Choreblimey.Webhooks.Testing.Support;

namespace Choreblimey.Webhooks.Tests.Security;

/// <summary>Whatever is changed after signing (body, id or timestamp), the verifier refuses it.</summary>
public sealed class VerifierTamperPropertyTests
{
    private const long Now = 1_800_000_000;
    private static readonly StandardWebhookSigner Signer = new();
    private static readonly WebhookVerifier Verifier = new(timeProvider: new WebhookTestClock(DateTimeOffset.FromUnixTimeSeconds(Now)));

    private enum Change
    {
        FlipBodyByte,
        AppendToBody,
        TruncateBody,
        ChangeId,
        ChangeTimestamp,
        ChangeEverything,
    }

    private static Gen<byte[]> Bytes(int min, int max) =>
        from length in Gen.Choose(min, max)
        from bytes in Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), length)
        select bytes;

    private static Gen<string> Ids =>
        ArbMap.Default.GeneratorFor<NonEmptyString>().Select(s => s.Get);

    [Fact]
    public void No_change_to_body_id_or_timestamp_after_signing_is_accepted()
    {
        var cases =
            from body in Bytes(1, 1_024)
            from id in Ids
            from otherId in Ids
            from skew in Gen.Choose(-240, 240)
            from shift in Gen.Choose(1, 60)
            from change in Gen.Elements(Enum.GetValues<Change>())
            from index in Gen.Choose(0, body.Length - 1)
            from flip in Gen.Choose(1, 255)
            from extra in Bytes(1, 16)
            select (body, id, otherId, skew, shift, change, index, flip: (byte)flip, extra);

        Prop.ForAll(Arb.From(cases), c =>
        {
            var secret = WebhookSecret.Generate();
            var timestamp = Now + c.skew;
            var signature = Signer.Sign(secret, c.id, DateTimeOffset.FromUnixTimeSeconds(timestamp), c.body);
            var body = c.body;
            var id = c.id;
            var sentTimestamp = timestamp;
            switch (c.change)
            {
                case Change.FlipBodyByte:
                    body = (byte[])c.body.Clone();
                    body[c.index] ^= c.flip;
                    break;
                case Change.AppendToBody:
                    body = [.. c.body, .. c.extra];
                    break;
                case Change.TruncateBody:
                    body = c.body[..c.index];
                    break;
                case Change.ChangeId:
                    id = c.otherId == c.id ? c.id + "x" : c.otherId;
                    break;
                case Change.ChangeTimestamp:
                    sentTimestamp = timestamp + (c.skew > 0 ? -c.shift : c.shift);
                    break;
                default:
                    body = [.. c.extra, .. c.body];
                    id = c.id + c.otherId;
                    sentTimestamp = timestamp - c.shift;
                    break;
            }

            var original = Verifier.Verify(c.body, c.id, timestamp.ToString(CultureInfo.InvariantCulture), signature, secret);
            var tampered = Verifier.Verify(body, id, sentTimestamp.ToString(CultureInfo.InvariantCulture), signature, secret);

            return original.IsValid && !tampered.IsValid;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void A_signature_made_with_another_secret_is_never_accepted()
    {
        Prop.ForAll(Arb.From(Bytes(0, 512)), body =>
        {
            var signature = Signer.Sign(WebhookSecret.Generate(), "msg_1", DateTimeOffset.FromUnixTimeSeconds(Now), body);

            return !Verifier.Verify(body, "msg_1", Now.ToString(CultureInfo.InvariantCulture), signature, WebhookSecret.Generate()).IsValid;
        }).QuickCheckThrowOnFailure();
    }
}
