using System.Buffers;
using System.Security.Cryptography;

namespace Choreblimey.Webhooks;

/// <summary>The hex HMAC-SHA256-of-the-body signature used by the Choreblimey, Jossiedb and GitHub profiles.</summary>
internal static class WebhookHexSignature
{
    public const int HashBytes = HMACSHA256.HashSizeInBytes;
    public const int HexChars = HashBytes * 2;

    /// <summary>Formats one <c>prefix + hex</c> entry per secret, comma-separated, in the order given.</summary>
    public static string Sign(ReadOnlySpan<WebhookSecret> secrets, string prefix, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (secrets.IsEmpty)
        {
            throw new ArgumentException("At least one secret is needed to sign a webhook.", nameof(secrets));
        }

        var entryChars = prefix.Length + HexChars;
        var length = (secrets.Length * (entryChars + 1)) - 1;
        var chars = ArrayPool<char>.Shared.Rent(length);
        try
        {
            Span<byte> hash = stackalloc byte[HashBytes];
            var written = 0;
            for (var i = 0; i < secrets.Length; i++)
            {
                if (i > 0)
                {
                    chars[written++] = ',';
                }

                prefix.CopyTo(chars.AsSpan(written));
                written += prefix.Length;
                secrets[i].Hmacs.Compute(body, hash);
                if (!Convert.TryToHexStringLower(hash, chars.AsSpan(written), out var hexWritten))
                {
                    throw new InvalidOperationException("The signature buffer was sized too small.");
                }

                written += hexWritten;
            }

            return new string(chars, 0, written);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    /// <summary>
    /// Checks a header value of comma-separated <c>prefix + hex</c> entries against the secrets, in constant time per comparison.
    /// Never throws on the header's content.
    /// </summary>
    public static WebhookVerificationResult Verify(ReadOnlySpan<byte> body, string? header, string headerName, string prefix, ReadOnlySpan<WebhookSecret> secrets)
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

        if (string.IsNullOrEmpty(header))
        {
            return WebhookVerificationResult.Fail(WebhookVerificationFailure.MissingHeader, $"The {headerName} header is missing or empty.");
        }

        var expectedBytes = secrets.Length * HashBytes;
        var expected = ArrayPool<byte>.Shared.Rent(expectedBytes);
        try
        {
            var computed = false;
            var anyWellFormed = false;
            Span<byte> received = stackalloc byte[HashBytes];
            var rest = header.AsSpan();
            while (!rest.IsEmpty)
            {
                var comma = rest.IndexOf(',');
                var entry = (comma < 0 ? rest : rest[..comma]).Trim(' ');
                rest = comma < 0 ? [] : rest[(comma + 1)..];
                if (!entry.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                var hex = entry[prefix.Length..];
                if (hex.Length != HexChars
                    || Convert.FromHexString(hex, received, out _, out var decoded) != OperationStatus.Done
                    || decoded != HashBytes)
                {
                    continue;
                }

                anyWellFormed = true;
                if (!computed)
                {
                    for (var i = 0; i < secrets.Length; i++)
                    {
                        secrets[i].Hmacs.Compute(body, expected.AsSpan(i * HashBytes, HashBytes));
                    }

                    computed = true;
                }

                for (var i = 0; i < secrets.Length; i++)
                {
                    if (CryptographicOperations.FixedTimeEquals(received, expected.AsSpan(i * HashBytes, HashBytes)))
                    {
                        return WebhookVerificationResult.Success;
                    }
                }
            }

            return anyWellFormed
                ? WebhookVerificationResult.Fail(WebhookVerificationFailure.NoMatchingSignature, $"No signature in the {headerName} header matches the secret(s).")
                : WebhookVerificationResult.Fail(
                    WebhookVerificationFailure.MalformedSignature,
                    $"The {headerName} header has no well-formed entry; expected '{prefix}<hex of {HashBytes} bytes>'.");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(expected, clearArray: true);
        }
    }
}
