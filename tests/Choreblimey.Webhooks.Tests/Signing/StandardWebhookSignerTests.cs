using System.Security.Cryptography;
using System.Text;

namespace Choreblimey.Webhooks.Tests.Signing;

public sealed class StandardWebhookSignerTests
{
    private readonly StandardWebhookSigner _signer = new();

    [Fact]
    public void Spec_secret_parses_with_the_normal_minimum()
    {
        Assert.Equal(WebhookSecret.MinKeyBytes, SpecVector.Secret.KeyLength);
    }

    [Fact]
    public void Sign_produces_the_specification_vector()
    {
        var signature = _signer.Sign(SpecVector.Secret, SpecVector.Id, SpecVector.Timestamp, SpecVector.Body);

        Assert.Equal(SpecVector.Signature, signature);
    }

    [Fact]
    public void Sign_ignores_fractions_of_a_second()
    {
        var timestamp = SpecVector.Timestamp.AddMilliseconds(999);

        Assert.Equal(SpecVector.Signature, _signer.Sign(SpecVector.Secret, SpecVector.Id, timestamp, SpecVector.Body));
    }

    [Fact]
    public void Sign_uses_unix_seconds_whatever_the_offset()
    {
        var timestamp = SpecVector.Timestamp.ToOffset(TimeSpan.FromHours(5.5));

        Assert.Equal(SpecVector.Signature, _signer.Sign(SpecVector.Secret, SpecVector.Id, timestamp, SpecVector.Body));
    }

    [Fact]
    public void Sign_with_a_list_of_one_matches_the_single_secret_overload()
    {
        var signature = _signer.Sign([SpecVector.Secret], SpecVector.Id, SpecVector.Timestamp, SpecVector.Body);

        Assert.Equal(SpecVector.Signature, signature);
    }

    [Fact]
    public void Sign_with_several_secrets_joins_every_signature_with_a_single_space()
    {
        var other = WebhookSecret.Generate();

        var signature = _signer.Sign([SpecVector.Secret, other], SpecVector.Id, SpecVector.Timestamp, SpecVector.Body);

        var expectedOther = _signer.Sign(other, SpecVector.Id, SpecVector.Timestamp, SpecVector.Body);
        Assert.Equal($"{SpecVector.Signature} {expectedOther}", signature);
    }

    [Fact]
    public void Sign_with_many_secrets_uses_a_pooled_buffer_and_still_signs_with_each()
    {
        var secrets = Enumerable.Range(0, 20).Select(_ => WebhookSecret.Generate()).ToArray();

        var signature = _signer.Sign(secrets, SpecVector.Id, SpecVector.Timestamp, SpecVector.Body);

        var expected = secrets.Select(s => _signer.Sign(s, SpecVector.Id, SpecVector.Timestamp, SpecVector.Body));
        Assert.Equal(string.Join(' ', expected), signature);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(400)]
    [InlineData(5_000)]
    [InlineData(1_000_000)]
    public void Sign_matches_a_reference_hmac_for_bodies_of_any_size(int size)
    {
        var body = RandomNumberGenerator.GetBytes(size);
        var secret = WebhookSecret.Generate(WebhookSecret.MaxKeyBytes);
        var timestamp = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

        var signature = _signer.Sign(secret, "msg_ünïcødé_🎉", timestamp, body);

        Assert.Equal(ReferenceSignature(secret, "msg_ünïcødé_🎉", 1_700_000_000, body), signature);
    }

    [Fact]
    public void Sign_rejects_an_empty_secret_list()
    {
        var error = Assert.Throws<ArgumentException>(() => _signer.Sign([], SpecVector.Id, SpecVector.Timestamp, SpecVector.Body));
        Assert.Equal("secrets", error.ParamName);
    }

    [Fact]
    public void Sign_rejects_a_null_secret_in_the_list()
    {
        Assert.Throws<ArgumentException>(() => _signer.Sign([SpecVector.Secret, null!], SpecVector.Id, SpecVector.Timestamp, SpecVector.Body));
    }

    [Fact]
    public void Sign_rejects_null_arguments()
    {
        Assert.Throws<ArgumentNullException>(() => _signer.Sign((WebhookSecret)null!, SpecVector.Id, SpecVector.Timestamp, SpecVector.Body));
        Assert.Throws<ArgumentNullException>(() => _signer.Sign((IReadOnlyList<WebhookSecret>)null!, SpecVector.Id, SpecVector.Timestamp, SpecVector.Body));
        Assert.Throws<ArgumentNullException>(() => _signer.Sign(SpecVector.Secret, null!, SpecVector.Timestamp, SpecVector.Body));
    }

    [Fact]
    public void Sign_rejects_an_empty_message_id()
    {
        Assert.Throws<ArgumentException>(() => _signer.Sign(SpecVector.Secret, "", SpecVector.Timestamp, SpecVector.Body));
    }

    [Fact]
    public void Sign_rejects_timestamps_before_the_unix_epoch()
    {
        var before = DateTimeOffset.UnixEpoch.AddSeconds(-1);

        Assert.Throws<ArgumentOutOfRangeException>(() => _signer.Sign(SpecVector.Secret, SpecVector.Id, before, SpecVector.Body));
    }

    [Fact]
    public void Sign_allocates_only_the_returned_string()
    {
        var secret = SpecVector.Secret;
        var smallBody = SpecVector.Body;
        var largeBody = new byte[64 * 1024];
        IReadOnlyList<WebhookSecret> two = [secret, WebhookSecret.Generate()];

        // One signature is "v1," + 44 base64 chars; a string of n chars is at most 22 + 2n bytes on 64-bit.
        Assert.InRange(AllocatedPerCall(() => _signer.Sign(secret, SpecVector.Id, SpecVector.Timestamp, smallBody)), 1, 22 + (2 * 47) + 8);
        Assert.InRange(AllocatedPerCall(() => _signer.Sign(secret, SpecVector.Id, SpecVector.Timestamp, largeBody)), 1, 22 + (2 * 47) + 8);
        Assert.InRange(AllocatedPerCall(() => _signer.Sign(two, SpecVector.Id, SpecVector.Timestamp, smallBody)), 1, 22 + (2 * 95) + 8);
    }

    private static long AllocatedPerCall(Func<string> sign)
    {
        // The runtime itself may allocate now and then (tier-up, a timer, the test host); the fewest bytes over several
        // rounds is what the signer allocates.
        const int Calls = 200;
        for (var i = 0; i < Calls; i++)
        {
            _ = sign();
        }

        var fewest = long.MaxValue;
        for (var round = 0; round < 5; round++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < Calls; i++)
            {
                _ = sign();
            }

            fewest = Math.Min(fewest, (GC.GetAllocatedBytesForCurrentThread() - before) / Calls);
        }

        return fewest;
    }

    internal static string ReferenceSignature(WebhookSecret secret, string id, long unixSeconds, byte[] body)
    {
        var key = Convert.FromBase64String(secret.Reveal()[WebhookSecret.Prefix.Length..]);
        var content = Encoding.UTF8.GetBytes($"{id}.{unixSeconds}.").Concat(body).ToArray();
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, content));
    }
}
