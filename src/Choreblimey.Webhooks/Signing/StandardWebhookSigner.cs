using System.Buffers;

namespace Choreblimey.Webhooks;

/// <summary>
/// Produces the <see cref="WebhookHeaders.Signature"/> header value of the Standard Webhooks specification:
/// <c>v1,</c> followed by the base64 HMAC-SHA256 of <c>UTF8(id + "." + unixSeconds + ".")</c> and the body bytes.
/// </summary>
/// <remarks>
/// The signer is stateless and thread-safe, so one instance can be shared (it is registered as a singleton).
/// Each call allocates only the returned string.
/// </remarks>
public sealed class StandardWebhookSigner
{
    /// <summary>Signature headers up to this many characters are built on the stack.</summary>
    private const int StackallocChars = 512;

    /// <summary>Creates a signer.</summary>
    public StandardWebhookSigner()
    {
    }

    /// <summary>Signs a message with one secret.</summary>
    /// <param name="secret">The secret.</param>
    /// <param name="messageId">The message id sent in the <see cref="WebhookHeaders.Id"/> header.</param>
    /// <param name="timestamp">
    /// The time sent in the <see cref="WebhookHeaders.Timestamp"/> header; only whole seconds since the Unix epoch are signed.
    /// </param>
    /// <param name="body">The exact body bytes sent.</param>
    /// <returns>The signature header value, <c>v1,</c> + base64.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="secret"/> or <paramref name="messageId"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="messageId"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timestamp"/> is before the Unix epoch.</exception>
    public string Sign(WebhookSecret secret, string messageId, DateTimeOffset timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var unixSeconds = ValidateAndGetUnixSeconds(messageId, timestamp);

        Span<byte> hash = stackalloc byte[StandardWebhookSignature.HashBytes];
        StandardWebhookSignature.ComputeSignature(secret, messageId, unixSeconds, body, hash);
        Span<char> chars = stackalloc char[StandardWebhookSignature.EntryChars];
        var written = StandardWebhookSignature.FormatEntry(hash, chars);
        return new string(chars[..written]);
    }

    /// <summary>
    /// Signs a message with every secret, for secret rotation: the receiver accepts the message when any entry matches
    /// a secret it knows. The caller passes only the secrets that are still valid (see <see cref="WebhookSigningSecret.IsValidAt"/>).
    /// </summary>
    /// <param name="secrets">The secrets, at least one; each produces one entry, in order.</param>
    /// <param name="messageId">The message id sent in the <see cref="WebhookHeaders.Id"/> header.</param>
    /// <param name="timestamp">
    /// The time sent in the <see cref="WebhookHeaders.Timestamp"/> header; only whole seconds since the Unix epoch are signed.
    /// </param>
    /// <param name="body">The exact body bytes sent.</param>
    /// <returns>The signature header value: the <c>v1,</c> + base64 entries separated by single spaces.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="secrets"/> or <paramref name="messageId"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="secrets"/> is empty or holds a <see langword="null"/>, or <paramref name="messageId"/> is empty.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timestamp"/> is before the Unix epoch.</exception>
    public string Sign(IReadOnlyList<WebhookSecret> secrets, string messageId, DateTimeOffset timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        var count = secrets.Count;
        if (count == 0)
        {
            throw new ArgumentException("At least one secret is needed to sign a webhook.", nameof(secrets));
        }

        for (var i = 0; i < count; i++)
        {
            if (secrets[i] is null)
            {
                throw new ArgumentException($"The secret at index {i} is null.", nameof(secrets));
            }
        }

        var unixSeconds = ValidateAndGetUnixSeconds(messageId, timestamp);

        var length = checked((count * (StandardWebhookSignature.EntryChars + 1)) - 1);
        char[]? rented = null;
        var chars = length <= StackallocChars
            ? stackalloc char[StackallocChars]
            : (rented = ArrayPool<char>.Shared.Rent(length));
        try
        {
            Span<byte> hash = stackalloc byte[StandardWebhookSignature.HashBytes];
            var written = 0;
            for (var i = 0; i < count; i++)
            {
                if (i > 0)
                {
                    chars[written++] = ' ';
                }

                StandardWebhookSignature.ComputeSignature(secrets[i], messageId, unixSeconds, body, hash);
                written += StandardWebhookSignature.FormatEntry(hash, chars[written..]);
            }

            return new string(chars[..written]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    private static long ValidateAndGetUnixSeconds(string messageId, DateTimeOffset timestamp)
    {
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        var unixSeconds = timestamp.ToUnixTimeSeconds();
        if (unixSeconds < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(timestamp), "A webhook timestamp cannot be before the Unix epoch.");
        }

        return unixSeconds;
    }
}
