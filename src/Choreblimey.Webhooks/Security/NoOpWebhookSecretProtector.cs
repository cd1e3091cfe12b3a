using System.Security.Cryptography;

namespace Choreblimey.Webhooks.Security;

/// <summary>
/// The default <see cref="IWebhookSecretProtector"/>: stores secrets as they are. It refuses to read a secret written by
/// the AES-GCM protector, so a host that forgot <c>ProtectSecretsWith</c> gets a clear error instead of a wrong key.
/// </summary>
internal sealed class NoOpWebhookSecretProtector : IWebhookSecretProtector
{
    public string Protect(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return secret;
    }

    public string Unprotect(string protectedSecret)
    {
        ArgumentNullException.ThrowIfNull(protectedSecret);
        if (protectedSecret.StartsWith(AesGcmWebhookSecretProtector.Prefix, StringComparison.Ordinal))
        {
            throw new CryptographicException(
                "A stored webhook secret is encrypted with AES-GCM but no key is configured; call ProtectSecretsWith(key) on the webhooks builder with the key it was written with.");
        }

        return protectedSecret;
    }
}
