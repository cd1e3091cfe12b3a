using System.Security.Cryptography;
using System.Text;

namespace Choreblimey.Webhooks.Security;

/// <summary>
/// Encrypts secrets with AES-256-GCM under a host-provided 32-byte key. The stored form is
/// <c>cbw-aesgcm.v1.{key id}.{base64(nonce | ciphertext | tag)}</c>; the key id (from a hash of the key, not the key) lets a
/// wrong key be reported as such. Values without the prefix are read as plain secrets written before protection was
/// turned on, so existing rows keep working and are encrypted the next time they are saved.
/// </summary>
internal sealed class AesGcmWebhookSecretProtector : IWebhookSecretProtector
{
    public const string Prefix = "cbw-aesgcm.v1.";
    public const int KeyBytes = 32;
    private const int NonceBytes = 12;
    private const int TagBytes = 16;

    private readonly byte[] _key;
    private readonly string _keyId;
    private readonly byte[] _associatedData;

    public AesGcmWebhookSecretProtector(ReadOnlySpan<byte> key)
    {
        if (key.Length != KeyBytes)
        {
            throw new ArgumentException($"The secret protection key must be exactly {KeyBytes} bytes; this one has {key.Length}.", nameof(key));
        }

        _key = key.ToArray();
        _keyId = Convert.ToHexStringLower(SHA256.HashData(_key).AsSpan(0, 4));
        _associatedData = Encoding.ASCII.GetBytes(Prefix + _keyId);
    }

    public string Protect(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var plaintext = Encoding.UTF8.GetBytes(secret);
        var sealedBytes = new byte[NonceBytes + plaintext.Length + TagBytes];
        var nonce = sealedBytes.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        try
        {
            using var aes = new AesGcm(_key, TagBytes);
            aes.Encrypt(nonce, plaintext, sealedBytes.AsSpan(NonceBytes, plaintext.Length), sealedBytes.AsSpan(NonceBytes + plaintext.Length), _associatedData);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }

        return $"{Prefix}{_keyId}.{Convert.ToBase64String(sealedBytes)}";
    }

    public string Unprotect(string protectedSecret)
    {
        ArgumentNullException.ThrowIfNull(protectedSecret);
        if (!protectedSecret.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return protectedSecret;
        }

        var rest = protectedSecret.AsSpan(Prefix.Length);
        var dot = rest.IndexOf('.');
        if (dot < 0)
        {
            throw new CryptographicException("A stored webhook secret is malformed: its key id is missing.");
        }

        var keyId = rest[..dot].ToString();
        if (!string.Equals(keyId, _keyId, StringComparison.Ordinal))
        {
            throw new CryptographicException($"A stored webhook secret was encrypted with key id {keyId}, but the configured key has id {_keyId}.");
        }

        byte[] sealedBytes;
        try
        {
            sealedBytes = Convert.FromBase64String(rest[(dot + 1)..].ToString());
        }
        catch (FormatException exception)
        {
            throw new CryptographicException("A stored webhook secret is malformed: it is not base64.", exception);
        }

        if (sealedBytes.Length < NonceBytes + TagBytes)
        {
            throw new CryptographicException("A stored webhook secret is malformed: it is too short.");
        }

        var ciphertextLength = sealedBytes.Length - NonceBytes - TagBytes;
        var plaintext = new byte[ciphertextLength];
        try
        {
            using var aes = new AesGcm(_key, TagBytes);
            aes.Decrypt(sealedBytes.AsSpan(0, NonceBytes), sealedBytes.AsSpan(NonceBytes, ciphertextLength), sealedBytes.AsSpan(NonceBytes + ciphertextLength), plaintext, _associatedData);
            return Encoding.UTF8.GetString(plaintext);
        }
        catch (AuthenticationTagMismatchException exception)
        {
            throw new CryptographicException("A stored webhook secret failed authentication: it was altered, or written with another key.", exception);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }
}
