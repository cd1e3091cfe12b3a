using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Choreblimey.Webhooks;

/// <summary>
/// The one place the Standard Webhooks v1 signature is computed: HMAC-SHA256 over
/// <c>UTF8(id + "." + unixSeconds + ".") + body</c>. Used by both <see cref="StandardWebhookSigner"/> and <see cref="WebhookVerifier"/>.
/// </summary>
internal static class StandardWebhookSignature
{
    /// <summary>The signature scheme version this library produces and checks.</summary>
    public const string Version = "v1";

    /// <summary>The bytes of one signature.</summary>
    public const int HashBytes = HMACSHA256.HashSizeInBytes;

    /// <summary>The characters of one signature in base64 (with padding).</summary>
    public const int Base64Chars = (HashBytes + 2) / 3 * 4;

    /// <summary>The characters of one <c>v1,base64</c> entry.</summary>
    public const int EntryChars = 3 + Base64Chars;

    /// <summary>A signed prefix (<c>id.timestamp.</c>) up to this many bytes is encoded on the stack.</summary>
    private const int StackallocPrefixBytes = 512;

    /// <summary>The most characters a formatted <see cref="long"/> takes (<c>-9223372036854775808</c>).</summary>
    private const int MaxInt64Chars = 20;

    /// <summary>Computes the HMAC-SHA256 signature of a message.</summary>
    /// <param name="secret">The secret.</param>
    /// <param name="id">The message id. Unpaired surrogates are encoded as U+FFFD, as UTF-8 encoding always does.</param>
    /// <param name="unixSeconds">The timestamp, in seconds since the Unix epoch.</param>
    /// <param name="body">The exact body bytes sent.</param>
    /// <param name="destination">Receives the <see cref="HashBytes"/> signature bytes.</param>
    public static void ComputeSignature(WebhookSecret secret, string id, long unixSeconds, ReadOnlySpan<byte> body, Span<byte> destination) =>
        ComputeSignature(secret, id, unixSeconds, body, destination, StackallocPrefixBytes);

    /// <summary>
    /// Computes the signature through one of the secret's reusable HMAC contexts: the prefix, then the body, so the body is
    /// never copied. A prefix that may not fit in <paramref name="maxStackPrefixBytes"/> (a very long id) is encoded in chunks.
    /// </summary>
    /// <remarks>The threshold is a parameter so tests can exercise the chunked path with short ids.</remarks>
    internal static void ComputeSignature(
        WebhookSecret secret, string id, long unixSeconds, ReadOnlySpan<byte> body, Span<byte> destination, int maxStackPrefixBytes)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(id);
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, HashBytes, nameof(destination));

        var pool = secret.Hmacs;
        var hmac = pool.Rent();
        var reset = false;
        try
        {
            // An upper bound on the UTF-8 length that cannot overflow: every UTF-16 char encodes to at most 3 bytes.
            var maxPrefixBytes = ((long)id.Length * 3) + 1 + MaxInt64Chars + 1;
            if (maxPrefixBytes <= Math.Min(maxStackPrefixBytes, StackallocPrefixBytes))
            {
                Span<byte> prefix = stackalloc byte[StackallocPrefixBytes];
                hmac.AppendData(prefix[..WritePrefix(prefix, id, unixSeconds)]);
            }
            else
            {
                AppendChunkedPrefix(hmac, id, unixSeconds);
            }

            hmac.AppendData(body);
            _ = hmac.GetHashAndReset(destination);
            reset = true;
        }
        finally
        {
            pool.Return(hmac, reset);
        }
    }

    /// <summary>Writes <c>UTF8(id + "." + unixSeconds + ".")</c> and returns the bytes written.</summary>
    private static int WritePrefix(Span<byte> buffer, string id, long unixSeconds)
    {
        var written = Encoding.UTF8.GetBytes(id, buffer);
        buffer[written++] = (byte)'.';
        if (!unixSeconds.TryFormat(buffer[written..], out var digits, default, CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException("The signing buffer was sized too small.");
        }

        written += digits;
        buffer[written++] = (byte)'.';
        return written;
    }

    private static void AppendChunkedPrefix(IncrementalHash hmac, string id, long unixSeconds)
    {
        const int ChunkChars = 4096;
        var encoder = Encoding.UTF8.GetEncoder();
        var chunk = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(ChunkChars));
        try
        {
            var remaining = id.AsSpan();
            while (true)
            {
                var take = Math.Min(ChunkChars, remaining.Length);
                var flush = take == remaining.Length;
                var bytes = encoder.GetBytes(remaining[..take], chunk, flush);
                hmac.AppendData(chunk.AsSpan(0, bytes));
                remaining = remaining[take..];
                if (flush)
                {
                    break;
                }
            }

            Span<byte> middle = stackalloc byte[1 + MaxInt64Chars + 1];
            middle[0] = (byte)'.';
            _ = unixSeconds.TryFormat(middle[1..], out var digits, default, CultureInfo.InvariantCulture);
            middle[1 + digits] = (byte)'.';
            hmac.AppendData(middle[..(digits + 2)]);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    /// <summary>Writes <c>v1,</c> followed by the base64 of <paramref name="hash"/>, and returns the characters written.</summary>
    /// <param name="hash">The <see cref="HashBytes"/> signature bytes.</param>
    /// <param name="destination">At least <see cref="EntryChars"/> characters.</param>
    /// <returns>The characters written, always <see cref="EntryChars"/>.</returns>
    public static int FormatEntry(ReadOnlySpan<byte> hash, Span<char> destination)
    {
        Version.CopyTo(destination);
        destination[Version.Length] = ',';
        if (!Convert.TryToBase64Chars(hash[..HashBytes], destination[(Version.Length + 1)..], out var written))
        {
            throw new InvalidOperationException("The signature buffer was sized too small.");
        }

        return Version.Length + 1 + written;
    }
}
