using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Choreblimey.Webhooks;

/// <summary>
/// Verifies a received webhook against the Standard Webhooks specification: the three headers are present, the timestamp
/// is within <see cref="WebhookVerifierOptions.Tolerance"/> of now, and a <c>v1</c> signature matches one of the secrets.
/// </summary>
/// <remarks>
/// <para>
/// Verification never throws on anything a sender controls (missing or huge headers, garbage base64, unpaired surrogates):
/// it returns a failed <see cref="WebhookVerificationResult"/>. It throws only for caller mistakes, such as passing no secrets.
/// </para>
/// <para>
/// Secrets are checked as given. <see cref="WebhookSecret.Parse"/> accepts any Standard Webhooks secret of at least
/// <see cref="WebhookSecret.MinKeyBytes"/> key bytes, which includes the specification's own example secret
/// (exactly 24 bytes), so receivers need no looser parsing than senders.
/// </para>
/// <para>The verifier is immutable and thread-safe; one instance can be shared.</para>
/// </remarks>
public sealed class WebhookVerifier
{
    /// <summary>The largest Unix time a <see cref="DateTimeOffset"/> can hold (9999-12-31T23:59:59Z).</summary>
    private const long MaxUnixSeconds = 253_402_300_799;

    /// <summary>Expected signatures for up to this many bytes (8 secrets) are kept on the stack.</summary>
    private const int StackallocHashBytes = 8 * StandardWebhookSignature.HashBytes;

    /// <summary>The characters a signature version identifier (<c>v1</c>, <c>v1a</c>, ...) may contain.</summary>
    private static readonly SearchValues<char> VersionChars =
        SearchValues.Create("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    private readonly TimeSpan _tolerance;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates a verifier.</summary>
    /// <param name="options">The options, read once here; <see langword="null"/> for the defaults.</param>
    /// <param name="timeProvider">The clock the timestamp is checked against; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="WebhookVerifierOptions.Tolerance"/> is not positive.</exception>
    public WebhookVerifier(WebhookVerifierOptions? options = null, TimeProvider? timeProvider = null)
    {
        var tolerance = options?.Tolerance ?? WebhookVerifierOptions.DefaultTolerance;
        if (tolerance <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), tolerance, "WebhookVerifierOptions.Tolerance must be more than zero.");
        }

        _tolerance = tolerance;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Verifies a webhook against any of several secrets (during rotation, the old and the new).</summary>
    /// <param name="body">The exact body bytes received.</param>
    /// <param name="webhookId">The <see cref="WebhookHeaders.Id"/> header value.</param>
    /// <param name="webhookTimestamp">The <see cref="WebhookHeaders.Timestamp"/> header value.</param>
    /// <param name="webhookSignature">The <see cref="WebhookHeaders.Signature"/> header value.</param>
    /// <param name="secrets">The secrets to accept, at least one.</param>
    /// <returns>The result; act on the webhook only when <see cref="WebhookVerificationResult.IsValid"/> is <see langword="true"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="secrets"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="secrets"/> is empty or holds a <see langword="null"/>.</exception>
    public WebhookVerificationResult Verify(
        ReadOnlySpan<byte> body, string? webhookId, string? webhookTimestamp, string? webhookSignature, IReadOnlyList<WebhookSecret> secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        return VerifyCore(body, webhookId, webhookTimestamp, webhookSignature, AsSpan(secrets), WebhookHeaders.Signature);
    }

    private static ReadOnlySpan<WebhookSecret> AsSpan(IReadOnlyList<WebhookSecret> secrets) => secrets switch
    {
        WebhookSecret[] array => array,
        List<WebhookSecret> list => CollectionsMarshal.AsSpan(list),
        _ => secrets.ToArray(),
    };

    /// <summary>Verifies a webhook against one secret.</summary>
    /// <param name="body">The exact body bytes received.</param>
    /// <param name="webhookId">The <see cref="WebhookHeaders.Id"/> header value.</param>
    /// <param name="webhookTimestamp">The <see cref="WebhookHeaders.Timestamp"/> header value.</param>
    /// <param name="webhookSignature">The <see cref="WebhookHeaders.Signature"/> header value.</param>
    /// <param name="secret">The secret.</param>
    /// <returns>The result; act on the webhook only when <see cref="WebhookVerificationResult.IsValid"/> is <see langword="true"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="secret"/> is <see langword="null"/>.</exception>
    public WebhookVerificationResult Verify(
        ReadOnlySpan<byte> body, string? webhookId, string? webhookTimestamp, string? webhookSignature, WebhookSecret secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return VerifyCore(body, webhookId, webhookTimestamp, webhookSignature, new ReadOnlySpan<WebhookSecret>(in secret), WebhookHeaders.Signature);
    }

    /// <summary>Verifies a webhook, reading the three headers through <paramref name="getHeader"/>.</summary>
    /// <param name="body">The exact body bytes received.</param>
    /// <param name="getHeader">
    /// Returns a header's value by name, or <see langword="null"/> when it is absent. HTTP header names are case-insensitive,
    /// so the lookup should be too.
    /// </param>
    /// <param name="secrets">The secrets to accept, at least one.</param>
    /// <returns>The result; act on the webhook only when <see cref="WebhookVerificationResult.IsValid"/> is <see langword="true"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="getHeader"/> or <paramref name="secrets"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="secrets"/> is empty or holds a <see langword="null"/>.</exception>
    public WebhookVerificationResult Verify(ReadOnlySpan<byte> body, Func<string, string?> getHeader, IReadOnlyList<WebhookSecret> secrets)
    {
        ArgumentNullException.ThrowIfNull(getHeader);
        ArgumentNullException.ThrowIfNull(secrets);
        var result = Verify(
            body,
            getHeader(WebhookHeaders.Id),
            getHeader(WebhookHeaders.Timestamp),
            getHeader(WebhookHeaders.Signature),
            secrets);

        // A request signed with a hex profile has no webhook-signature: say which profile's header it does carry.
        if (result.Failure == WebhookVerificationFailure.MissingHeader && string.IsNullOrEmpty(getHeader(WebhookHeaders.Signature)))
        {
            foreach (var profile in WebhookSignatureProfile.BuiltIn)
            {
                if (profile.Scheme == WebhookSignatureScheme.HmacSha256Hex && !string.IsNullOrEmpty(getHeader(profile.SignatureHeader)))
                {
                    return WebhookVerificationResult.Fail(
                        WebhookVerificationFailure.MissingHeader,
                        $"The {WebhookHeaders.Signature} header is missing or empty; the request carries {profile.SignatureHeader}, the {profile.Name} profile's "
                        + $"signature: verify it with Verify(WebhookSignatureProfile.{ProfileMember(profile)}, body, getHeader, secrets).");
                }
            }
        }

        return result;
    }

    /// <summary>
    /// Verifies a hex HMAC-SHA256 signature of the body (the Choreblimey, Jossiedb and GitHub profiles), such as
    /// <c>sha256=&lt;hex&gt;</c>. Comma-separated entries are accepted (one per secret during rotation); the prefix is
    /// matched case-insensitively. These schemes sign no timestamp, so this check cannot reject replays: de-duplicate by message id.
    /// </summary>
    /// <param name="body">The exact body bytes received.</param>
    /// <param name="signatureHeader">The signature header's value.</param>
    /// <param name="secrets">The secrets to accept, at least one.</param>
    /// <param name="prefix">The text before the hex digits, such as <c>sha256=</c>; empty for none.</param>
    /// <returns>The result; act on the webhook only when <see cref="WebhookVerificationResult.IsValid"/> is <see langword="true"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="secrets"/> or <paramref name="prefix"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="secrets"/> is empty or holds a <see langword="null"/>.</exception>
#pragma warning disable CA1822 // An instance method, like the other Verify overloads, so callers hold one verifier.
    public WebhookVerificationResult VerifyHex(ReadOnlySpan<byte> body, string? signatureHeader, IReadOnlyList<WebhookSecret> secrets, string prefix = "")
#pragma warning restore CA1822
    {
        ArgumentNullException.ThrowIfNull(secrets);
        ArgumentNullException.ThrowIfNull(prefix);
        return WebhookHexSignature.Verify(body, signatureHeader, "signature", prefix, [.. secrets]);
    }

    /// <summary>
    /// Verifies a webhook signed with <paramref name="profile"/>, reading its headers through <paramref name="getHeader"/>:
    /// the Standard Webhooks checks for that scheme, <see cref="VerifyHex"/> on the profile's signature header otherwise.
    /// </summary>
    /// <param name="profile">The profile the sender uses.</param>
    /// <param name="body">The exact body bytes received.</param>
    /// <param name="getHeader">Returns a header's value by name (case-insensitively), or <see langword="null"/>.</param>
    /// <param name="secrets">The secrets to accept, at least one.</param>
    /// <returns>The result; act on the webhook only when <see cref="WebhookVerificationResult.IsValid"/> is <see langword="true"/>.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="secrets"/> is empty or holds a <see langword="null"/>.</exception>
    public WebhookVerificationResult Verify(WebhookSignatureProfile profile, ReadOnlySpan<byte> body, Func<string, string?> getHeader, IReadOnlyList<WebhookSecret> secrets)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(getHeader);
        ArgumentNullException.ThrowIfNull(secrets);
        if (profile.Scheme == WebhookSignatureScheme.HmacSha256Hex)
        {
            return WebhookHexSignature.Verify(body, getHeader(profile.SignatureHeader), profile.SignatureHeader, profile.SignaturePrefix, [.. secrets]);
        }

        // A custom profile on this scheme may rename the signature header: failures name the header it reads.
        return VerifyCore(body, getHeader(WebhookHeaders.Id), getHeader(WebhookHeaders.Timestamp), getHeader(profile.SignatureHeader), AsSpan(secrets), profile.SignatureHeader);
    }

    private WebhookVerificationResult VerifyCore(
        ReadOnlySpan<byte> body, string? webhookId, string? webhookTimestamp, string? webhookSignature, ReadOnlySpan<WebhookSecret> secrets, string signatureHeader,
        bool hintUnprefixed = true)
    {
        if (secrets.IsEmpty)
        {
            throw new ArgumentException("At least one secret is needed to verify a webhook.", nameof(secrets));
        }

        for (var i = 0; i < secrets.Length; i++)
        {
            if (secrets[i] is null)
            {
                throw new ArgumentException($"The secret at index {i} is null.", nameof(secrets));
            }
        }

        if (string.IsNullOrEmpty(webhookId))
        {
            return MissingHeader(WebhookHeaders.Id);
        }

        if (string.IsNullOrEmpty(webhookTimestamp))
        {
            return MissingHeader(WebhookHeaders.Timestamp);
        }

        if (string.IsNullOrEmpty(webhookSignature))
        {
            return MissingHeader(signatureHeader);
        }

        if (!long.TryParse(webhookTimestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var unixSeconds))
        {
            return WebhookVerificationResult.Fail(
                WebhookVerificationFailure.InvalidTimestamp,
                $"The {WebhookHeaders.Timestamp} header is not a non-negative integer number of seconds since the Unix epoch.");
        }

        if (CheckTolerance(unixSeconds) is { } outside)
        {
            return outside;
        }

        var result = CheckSignatures(body, webhookId, unixSeconds, webhookSignature, secrets, signatureHeader);
        if (hintUnprefixed && result.Failure == WebhookVerificationFailure.NoMatchingSignature
            && MatchesWithPrefix(body, webhookId, webhookTimestamp, webhookSignature, secrets, signatureHeader))
        {
            return WebhookVerificationResult.Fail(
                WebhookVerificationFailure.NoMatchingSignature,
                $"{result.Message} One matches a secret given without its '{WebhookSecret.Prefix}' prefix, whose text was therefore taken as a " +
                $"plain secret: give WebhookSecret.Parse the whole '{WebhookSecret.Prefix}...' text.");
        }

        return result;
    }

    private WebhookVerificationResult? CheckTolerance(long unixSeconds)
    {
        var now = _timeProvider.GetUtcNow();
        if (unixSeconds > MaxUnixSeconds)
        {
            return WebhookVerificationResult.Fail(
                WebhookVerificationFailure.TimestampOutsideTolerance,
                $"The {WebhookHeaders.Timestamp} header is beyond the year 9999, far outside the tolerance of {FormatSeconds(_tolerance)} seconds.");
        }

        // Both sides are in range here, so neither the multiplication nor the subtraction can overflow.
        var sentTicks = unixSeconds * TimeSpan.TicksPerSecond;
        var nowTicks = now.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        var skew = TimeSpan.FromTicks(sentTicks - nowTicks);
        if (skew.Duration() <= _tolerance)
        {
            return null;
        }

        var direction = skew > TimeSpan.Zero ? "in the future" : "in the past";
        return WebhookVerificationResult.Fail(
            WebhookVerificationFailure.TimestampOutsideTolerance,
            $"The {WebhookHeaders.Timestamp} header is {FormatSeconds(skew.Duration())} seconds {direction}; " +
            $"at most {FormatSeconds(_tolerance)} seconds either way is tolerated.");
    }

    private static WebhookVerificationResult CheckSignatures(
        ReadOnlySpan<byte> body, string webhookId, long unixSeconds, string webhookSignature, ReadOnlySpan<WebhookSecret> secrets, string signatureHeader)
    {
        const int HashBytes = StandardWebhookSignature.HashBytes;
        var expectedBytes = secrets.Length * HashBytes;
        byte[]? rented = null;
        var expected = expectedBytes <= StackallocHashBytes
            ? stackalloc byte[StackallocHashBytes]
            : (rented = ArrayPool<byte>.Shared.Rent(expectedBytes));
        try
        {
            var computed = false;
            var anyWellFormed = false;
            var anyV1 = false;
            Span<byte> received = stackalloc byte[HashBytes + 3];
            var rest = webhookSignature.AsSpan();
            while (!rest.IsEmpty)
            {
                var space = rest.IndexOf(' ');
                var entry = space < 0 ? rest : rest[..space];
                rest = space < 0 ? [] : rest[(space + 1)..];

                var comma = entry.IndexOf(',');
                if (comma <= 0 || comma == entry.Length - 1)
                {
                    continue;
                }

                var version = entry[..comma];
                var value = entry[(comma + 1)..];
                if (version.ContainsAnyExcept(VersionChars))
                {
                    continue;
                }

                if (!version.SequenceEqual(StandardWebhookSignature.Version))
                {
                    // A well-formed entry of another version (v1a, v2, ...) is skipped, as the specification requires.
                    anyWellFormed = true;
                    continue;
                }

                if (value.Length != StandardWebhookSignature.Base64Chars
                    || !Convert.TryFromBase64Chars(value, received, out var decoded)
                    || decoded != HashBytes)
                {
                    continue;
                }

                anyWellFormed = true;
                anyV1 = true;
                if (!computed)
                {
                    for (var i = 0; i < secrets.Length; i++)
                    {
                        StandardWebhookSignature.ComputeSignature(
                            secrets[i], webhookId, unixSeconds, body, expected.Slice(i * HashBytes, HashBytes));
                    }

                    computed = true;
                }

                for (var i = 0; i < secrets.Length; i++)
                {
                    if (CryptographicOperations.FixedTimeEquals(received[..HashBytes], expected.Slice(i * HashBytes, HashBytes)))
                    {
                        return WebhookVerificationResult.Success;
                    }
                }
            }

            if (!anyWellFormed)
            {
                return WebhookVerificationResult.Fail(
                    WebhookVerificationFailure.MalformedSignature,
                    $"The {signatureHeader} header has no well-formed entry; expected space-separated " +
                    $"'{StandardWebhookSignature.Version},<base64 of {HashBytes} bytes>' entries.");
            }

            return WebhookVerificationResult.Fail(
                WebhookVerificationFailure.NoMatchingSignature,
                anyV1
                    ? $"No {StandardWebhookSignature.Version} signature in the {signatureHeader} header matches the secret(s)."
                    : $"The {signatureHeader} header has no {StandardWebhookSignature.Version} signature; other versions are not supported.");
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented, clearArray: true);
            }
        }
    }

    /// <summary>
    /// Whether the signature matches one of the secrets read as the base64 part of a <c>whsec_</c> secret: the commonest
    /// receiver mistake, a secret copied without its prefix, which Parse then takes as plain text. Only on a failed check.
    /// </summary>
    private bool MatchesWithPrefix(
        ReadOnlySpan<byte> body, string? webhookId, string? webhookTimestamp, string? webhookSignature, ReadOnlySpan<WebhookSecret> secrets, string signatureHeader)
    {
        foreach (var secret in secrets)
        {
            string text;
            try
            {
                text = secret.RevealPlainText();
            }
            catch (InvalidOperationException)
            {
                continue;
            }

            if (WebhookSecret.TryParse(WebhookSecret.Prefix + text, out var prefixed)
                && VerifyCore(body, webhookId, webhookTimestamp, webhookSignature, new ReadOnlySpan<WebhookSecret>(in prefixed), signatureHeader, hintUnprefixed: false).IsValid)
            {
                return true;
            }
        }

        return false;
    }

    private static string ProfileMember(WebhookSignatureProfile profile) => profile.Name switch
    {
        WebhookSignatureProfile.GitHubName => nameof(WebhookSignatureProfile.GitHub),
        WebhookSignatureProfile.JossiedbName => nameof(WebhookSignatureProfile.Jossiedb),
        WebhookSignatureProfile.ChoreblimeyName => nameof(WebhookSignatureProfile.Choreblimey),
        _ => profile.Name,
    };

    private static WebhookVerificationResult MissingHeader(string header) =>
        WebhookVerificationResult.Fail(WebhookVerificationFailure.MissingHeader, $"The {header} header is missing or empty.");

    private static string FormatSeconds(TimeSpan value) =>
        value.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
}
