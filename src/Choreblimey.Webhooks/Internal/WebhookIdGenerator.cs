using System.Security.Cryptography;

namespace Choreblimey.Webhooks.Internal;

/// <summary>
/// Creates ids of the form <c>prefix</c> + 26 Crockford base32 characters: 48 bits of Unix milliseconds then 80 random bits,
/// so ids sort by creation time. Within one millisecond the random part is incremented, so one instance's ids stay strictly
/// increasing.
/// </summary>
internal sealed class WebhookIdGenerator(TimeProvider timeProvider)
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private readonly Lock _gate = new();
    private long _lastMilliseconds = -1;
    private UInt128 _lastRandom;

    public string NewMessageId() => Create("msg_");

    public string NewDeliveryId() => Create("dlv_");

    public string NewSubscriptionId() => Create("sub_");

    public string Create(string prefix)
    {
        var milliseconds = timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        UInt128 random;
        lock (_gate)
        {
            if (milliseconds <= _lastMilliseconds)
            {
                milliseconds = _lastMilliseconds;
                random = _lastRandom + 1;
            }
            else
            {
                Span<byte> bytes = stackalloc byte[16];
                RandomNumberGenerator.Fill(bytes[6..]);
                // Leave headroom so increments within one millisecond never overflow the 80-bit field.
                bytes[6] &= 0x7F;
                random = System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(bytes);
                _lastMilliseconds = milliseconds;
            }

            _lastRandom = random;
        }

        return string.Create(prefix.Length + 26, (prefix, milliseconds, random), static (span, state) =>
        {
            state.prefix.AsSpan().CopyTo(span);
            var body = span[state.prefix.Length..];
            var time = (ulong)state.milliseconds;
            for (var i = 9; i >= 0; i--)
            {
                body[i] = Alphabet[(int)(time & 31)];
                time >>= 5;
            }

            var random = state.random;
            for (var i = 25; i >= 10; i--)
            {
                body[i] = Alphabet[(int)(random & 31)];
                random >>= 5;
            }
        });
    }
}
