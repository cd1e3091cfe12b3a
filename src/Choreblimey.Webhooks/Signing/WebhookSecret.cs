using System.Security.Cryptography;
using System.Text;
using Choreblimey.Webhooks.Signing.Internal;

namespace Choreblimey.Webhooks;

/// <summary>
/// A signing secret in the Standard Webhooks form <c>whsec_</c> followed by the base64 of the key bytes.
/// </summary>
/// <remarks><see cref="ToString"/> is redacted so a secret cannot leak through logs or exception messages.</remarks>
public sealed class WebhookSecret : IEquatable<WebhookSecret>
{
    /// <summary>The prefix of every secret's text form.</summary>
    public const string Prefix = "whsec_";

    private const string RedactedText = Prefix + "***";
    private const string NotTextMessage =
        "This webhook secret's key is random bytes, not text (it was generated for a Standard Webhooks subscription, or given in the whsec_ form), "
        + "so it has no plain text form: hand Reveal() to a Standard Webhooks receiver, or rotate in a plain text secret (WebhookSecret.GeneratePlainText()) for a hex-signature receiver.";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The fewest key bytes a secret may have.</summary>
    public const int MinKeyBytes = 24;

    /// <summary>The most key bytes a secret may have.</summary>
    public const int MaxKeyBytes = 64;

    /// <summary>The number of key bytes <see cref="Generate()"/> uses.</summary>
    public const int DefaultKeyBytes = 32;

    private readonly byte[] _key;
    private WebhookHmacPool? _hmacs;

    private WebhookSecret(byte[] key) => _key = key;

    /// <summary>Gets the number of key bytes.</summary>
    public int KeyLength => _key.Length;

    /// <summary>Gets this key's reusable HMAC-SHA256 contexts, created on first use (a secret that never signs holds none).</summary>
    internal WebhookHmacPool Hmacs
    {
        get
        {
            if (Volatile.Read(ref _hmacs) is { } existing)
            {
                return existing;
            }

            var created = new WebhookHmacPool(_key);
            return Interlocked.CompareExchange(ref _hmacs, created, null) ?? created;
        }
    }

    /// <summary>Generates a random secret from a cryptographically secure generator.</summary>
    /// <returns>A new secret of <see cref="DefaultKeyBytes"/> bytes.</returns>
    public static WebhookSecret Generate() => Generate(DefaultKeyBytes);

    /// <summary>Generates a random secret from a cryptographically secure generator.</summary>
    /// <param name="keyBytes">The key length, from <see cref="MinKeyBytes"/> to <see cref="MaxKeyBytes"/>.</param>
    /// <returns>A new secret.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="keyBytes"/> is outside that range.</exception>
    public static WebhookSecret Generate(int keyBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(keyBytes, MinKeyBytes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(keyBytes, MaxKeyBytes);
        return new WebhookSecret(RandomNumberGenerator.GetBytes(keyBytes));
    }

    /// <summary>
    /// Generates a random secret whose key is printable text (43 URL-safe base64 characters from 32 random bytes), so that
    /// <see cref="RevealPlainText"/> can hand it to receivers that compute <c>HMAC-SHA256(secret text, body)</c>, as
    /// GitHub-style hex signatures do. The subscription manager generates these for subscriptions on such a profile.
    /// </summary>
    /// <returns>A new secret.</returns>
    public static WebhookSecret GeneratePlainText() =>
        new(Encoding.ASCII.GetBytes(System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(DefaultKeyBytes))));

    /// <summary>Creates a secret from raw key bytes.</summary>
    /// <param name="key">The key, from <see cref="MinKeyBytes"/> to <see cref="MaxKeyBytes"/> bytes.</param>
    /// <returns>The secret.</returns>
    /// <exception cref="ArgumentException">The key is too short or too long.</exception>
    public static WebhookSecret FromBytes(ReadOnlySpan<byte> key)
    {
        if (key.Length is < MinKeyBytes or > MaxKeyBytes)
        {
            throw new ArgumentException(
                $"A webhook secret must have {MinKeyBytes} to {MaxKeyBytes} key bytes; this one has {key.Length}.", nameof(key));
        }

        return new WebhookSecret(key.ToArray());
    }

    /// <summary>
    /// Parses a secret. Accepts <c>whsec_</c> + base64 (the Standard Webhooks form), and, for hosts that already hand
    /// partners a plain shared secret, any other string whose UTF-8 bytes are the key. Either way the key must have
    /// <see cref="MinKeyBytes"/> to <see cref="MaxKeyBytes"/> bytes, as for <see cref="FromBytes"/>.
    /// </summary>
    /// <remarks>
    /// <para>A mistake in a secret would otherwise surface only as every delivery failing verification at the receiver, so
    /// text that is probably mistyped or mis-copied is refused rather than read as some other key:</para>
    /// <list type="bullet">
    /// <item><description>Leading or trailing whitespace (often a newline copied with the secret) is refused in both forms;
    /// it is never trimmed. A plain secret may contain spaces inside it. So is a leading or trailing invisible format
    /// character (a byte-order mark, a zero-width space).</description></item>
    /// <item><description>After <c>whsec_</c> only standard base64 may follow: <c>A</c>-<c>Z</c>, <c>a</c>-<c>z</c>,
    /// <c>0</c>-<c>9</c>, <c>+</c> and <c>/</c>, in groups of four, padded with at most two <c>=</c> at the end. No
    /// whitespace or line breaks inside, no URL-safe <c>-</c> or <c>_</c>.</description></item>
    /// <item><description>A plain secret may not begin with <c>whsec</c> in any letter case unless it begins with exactly
    /// <c>whsec_</c> (then it is the base64 form): <c>WHSEC_...</c> or <c>whsec:...</c> is a mistyped prefix.</description></item>
    /// </list>
    /// </remarks>
    /// <param name="value">The secret text.</param>
    /// <returns>The secret.</returns>
    /// <exception cref="FormatException">The text is not a valid secret; the message says why without echoing it.</exception>
    public static WebhookSecret Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return TryParse(value, out var secret, out var error) ? secret : throw new FormatException(error);
    }

    /// <summary>Tries to parse a secret, by the rules of <see cref="Parse"/>.</summary>
    /// <param name="value">The secret text.</param>
    /// <param name="secret">The parsed secret.</param>
    /// <returns><see langword="true"/> when the text is a valid secret.</returns>
    public static bool TryParse(string? value, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out WebhookSecret? secret) =>
        TryParse(value, out secret, out _);

    private static bool TryParse(string? value, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out WebhookSecret? secret, out string error)
    {
        secret = null;
        if (string.IsNullOrEmpty(value))
        {
            error = "A webhook secret must not be empty.";
            return false;
        }

        // Whitespace is refused rather than trimmed: a secret read from a file or pasted with its newline would otherwise
        // become another key (a plain one) or be decoded leniently, and only the receiver would notice.
        if (char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1]))
        {
            error = "A webhook secret must not have leading or trailing whitespace (often a newline copied with it); this one has.";
            return false;
        }

        // Invisible format characters are the same mistake, harder to see: a byte-order mark from a file saved as UTF-8
        // with BOM, a zero-width space copied from a web page or chat.
        if (IsInvisible(value[0]) || IsInvisible(value[^1]))
        {
            error = "A webhook secret must not begin or end with an invisible character (a byte-order mark or a zero-width space, often copied with it); this one does.";
            return false;
        }

        byte[] key;
        var isPrefixed = value.StartsWith(Prefix, StringComparison.Ordinal);
        if (value == RedactedText)
        {
            error = $"This is the redacted form of a webhook secret ('{RedactedText}', what WebhookSecret.ToString() and logs show), not the secret: use WebhookSecret.Reveal() to read the secret itself.";
            return false;
        }

        if (isPrefixed)
        {
            // Checked by hand first, because the decoder skips whitespace inside the text.
            var base64 = value.AsSpan(Prefix.Length);
            var isBase64 = IsStrictBase64(base64, out var keyLength);
            if (isBase64 && keyLength is < MinKeyBytes or > MaxKeyBytes)
            {
                error = $"A webhook secret must have {MinKeyBytes} to {MaxKeyBytes} key bytes; the base64 after '{Prefix}' decodes to {keyLength}.";
                return false;
            }

            Span<byte> buffer = stackalloc byte[MaxKeyBytes];
            var written = 0;
            var decoded = isBase64 && Convert.TryFromBase64Chars(base64, buffer, out written);
            key = decoded ? buffer[..written].ToArray() : [];
            CryptographicOperations.ZeroMemory(buffer);
            if (!decoded)
            {
                error = $"A webhook secret starting with '{Prefix}' must continue with base64 only (A-Z, a-z, 0-9, '+' and '/', padded with '='), with no spaces or line breaks; this one does not.";
                return false;
            }
        }
        else if (value.StartsWith("whsec", StringComparison.OrdinalIgnoreCase))
        {
            // As a plain secret its UTF-8 bytes would be the key, not the bytes the partner decodes from the base64.
            error = $"This webhook secret looks like a '{Prefix}' secret with a mistyped prefix: it starts with 'whsec' but not with exactly '{Prefix}' (lower case, then an underscore).";
            return false;
        }
        else
        {
            key = System.Text.Encoding.UTF8.GetBytes(value);
        }

        if (key.Length is < MinKeyBytes or > MaxKeyBytes)
        {
            // The same bounds as FromBytes and Generate for both forms: a longer plain secret would be accepted here and then
            // refused when read back in its whsec_ form (stores keep that form).
            error = $"A webhook secret must have {MinKeyBytes} to {MaxKeyBytes} key bytes; this plain secret (its UTF-8 bytes are the key) has {key.Length}.";
            return false;
        }

        error = string.Empty;
        secret = new WebhookSecret(key);
        return true;

        // Standard base64 in whole groups of four, '=' only as the last one or two characters; the decoded length on success.
        static bool IsStrictBase64(ReadOnlySpan<char> text, out int decodedLength)
        {
            decodedLength = 0;
            if (text.Length % 4 != 0)
            {
                return false;
            }

            var padding = text.EndsWith("==") ? 2 : text.EndsWith("=") ? 1 : 0;
            foreach (var c in text[..^padding])
            {
                if (!(char.IsAsciiLetterOrDigit(c) || c is '+' or '/'))
                {
                    return false;
                }
            }

            decodedLength = (text.Length / 4 * 3) - padding;
            return true;
        }
    }

    private static bool IsInvisible(char c) => char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format;

    /// <summary>
    /// Returns the secret's Standard Webhooks form, <c>whsec_</c> + base64, for receivers of the <c>standard</c> profile
    /// (and <see cref="Parse"/>). Handle the result as a secret.
    /// </summary>
    /// <returns>The text form.</returns>
    public string Reveal() => Prefix + Convert.ToBase64String(_key);

    /// <summary>
    /// Returns the key as the text whose UTF-8 bytes it is: the form receivers of hex-signature profiles (<c>github</c>,
    /// <c>choreblimey</c>, <c>jossiedb</c>) use, since they compute <c>HMAC-SHA256(secret text, body)</c>. Handle the result
    /// as a secret.
    /// </summary>
    /// <returns>The plain text form.</returns>
    /// <exception cref="InvalidOperationException">
    /// The key is random bytes, not text: it was generated for a Standard Webhooks subscription, or given in the
    /// <c>whsec_</c> form. Hand <see cref="Reveal"/> to a Standard Webhooks receiver instead, or rotate in a plain text
    /// secret (<see cref="GeneratePlainText"/>) for a hex-signature receiver.
    /// </exception>
    public string RevealPlainText()
    {
        string text;
        try
        {
            text = StrictUtf8.GetString(_key);
        }
        catch (DecoderFallbackException)
        {
            throw new InvalidOperationException(NotTextMessage);
        }

        foreach (var c in text)
        {
            if (char.IsControl(c))
            {
                throw new InvalidOperationException(NotTextMessage);
            }
        }

        return text;
    }

    /// <inheritdoc />
    public override string ToString() => RedactedText;

    /// <inheritdoc />
    public bool Equals(WebhookSecret? other) =>
        other is not null && CryptographicOperations.FixedTimeEquals(_key, other._key);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as WebhookSecret);

    /// <inheritdoc />
    public override int GetHashCode() => _key.Length;
}
