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
    public void Buffered_and_streaming_paths_agree_with_a_reference_hmac(string id)
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var body = RandomNumberGenerator.GetBytes(3_000);
        var reference = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}.1614265330.").Concat(body).ToArray());

        var buffered = new byte[StandardWebhookSignature.HashBytes];
        var streamed = new byte[StandardWebhookSignature.HashBytes];
        StandardWebhookSignature.ComputeSignature(key, id, 1614265330, body, buffered);
        StandardWebhookSignature.ComputeSignature(key, id, 1614265330, body, streamed, maxBufferBytes: 16);

        Assert.Equal(reference, buffered);
        Assert.Equal(reference, streamed);
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
