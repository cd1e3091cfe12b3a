using System.Security.Cryptography;
using System.Text;

namespace Choreblimey.Webhooks.Tests.Signing;

public sealed class StandardWebhookSignatureTests
{
    public static TheoryData<string> Ids => new()
    {
        "msg_1",
        "msg_ünïcødé_🎉",
        new string('x', 4095) + "🎉" + "tail", // a surrogate pair straddling the streaming chunk boundary
        "lone_high_\uD800_and_low_\uDC00",
        new string('é', 10_000),
    };

    [Theory]
    [MemberData(nameof(Ids))]
    public void Stack_and_chunked_prefix_paths_agree_with_a_reference_hmac(string id)
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var secret = WebhookSecret.FromBytes(key);
        var body = RandomNumberGenerator.GetBytes(3_000);
        var reference = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}.1614265330.").Concat(body).ToArray());

        var stacked = new byte[StandardWebhookSignature.HashBytes];
        var chunked = new byte[StandardWebhookSignature.HashBytes];
        StandardWebhookSignature.ComputeSignature(secret, id, 1614265330, body, stacked);
        StandardWebhookSignature.ComputeSignature(secret, id, 1614265330, body, chunked, maxStackPrefixBytes: 16);

        Assert.Equal(reference, stacked);
        Assert.Equal(reference, chunked);
    }

    [Fact]
    public void A_reused_context_starts_each_signature_from_the_key_alone()
    {
        // Signatures computed one after another, and from several threads at once, go through the secret's pooled contexts:
        // each must equal a fresh one-shot HMAC, whatever the context computed before.
        var key = RandomNumberGenerator.GetBytes(32);
        var secret = WebhookSecret.FromBytes(key);
        var bodies = Enumerable.Range(0, 64).Select(i => RandomNumberGenerator.GetBytes(i * 37)).ToArray();

        Parallel.For(0, 2_000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var body = bodies[i % bodies.Length];
            var id = $"msg_{i}";
            var actual = new byte[StandardWebhookSignature.HashBytes];
            StandardWebhookSignature.ComputeSignature(secret, id, 1614265330 + i, body, actual);
            var expected = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}.{1614265330 + i}.").Concat(body).ToArray());
            Assert.Equal(expected, actual);
        });
    }

    [Fact]
    public void A_context_that_fails_part_way_is_not_reused()
    {
        // The body is appended before the destination turns out too small: that context holds part of a message and must
        // be dropped, or the next signature would cover those bytes too.
        var key = RandomNumberGenerator.GetBytes(32);
        var secret = WebhookSecret.FromBytes(key);
        Assert.ThrowsAny<ArgumentException>(() => secret.Hmacs.Compute([9, 9, 9], new byte[StandardWebhookSignature.HashBytes - 1]));

        var actual = new byte[StandardWebhookSignature.HashBytes];
        secret.Hmacs.Compute([1, 2, 3], actual);

        Assert.Equal(HMACSHA256.HashData(key, new byte[] { 1, 2, 3 }), actual);
    }

    [Fact]
    public void Format_entry_writes_version_comma_and_base64()
    {
        var hash = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        var chars = new char[StandardWebhookSignature.EntryChars];

        var written = StandardWebhookSignature.FormatEntry(hash, chars);

        Assert.Equal(StandardWebhookSignature.EntryChars, written);
        Assert.Equal("v1," + Convert.ToBase64String(hash), new string(chars));
    }
}
