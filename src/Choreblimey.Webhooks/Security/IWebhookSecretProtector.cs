namespace Choreblimey.Webhooks;

/// <summary>
/// Protects signing secrets at rest: stores call <see cref="Protect"/> before writing a secret and <see cref="Unprotect"/>
/// after reading it.
/// </summary>
/// <remarks>
/// The default protector does nothing: secrets are stored as their <c>whsec_</c> text, and protecting the database is left
/// to the host (encryption at rest, access control). Call <c>ProtectSecretsWith(key)</c> on the webhooks builder to
/// encrypt them with AES-GCM under a key the host keeps elsewhere, or <c>ProtectSecretsWith(protector)</c> to plug in
/// another scheme (a KMS, ASP.NET Core Data Protection). Implementations must be thread-safe, must never include the
/// secret in exception messages, and must be able to read back everything they wrote.
/// </remarks>
public interface IWebhookSecretProtector
{
    /// <summary>Protects a secret for storage.</summary>
    /// <param name="secret">The secret's text form (<c>whsec_</c> + base64).</param>
    /// <returns>The text to store.</returns>
    string Protect(string secret);

    /// <summary>Recovers a secret from its stored form.</summary>
    /// <param name="protectedSecret">The text returned by <see cref="Protect"/>.</param>
    /// <returns>The secret's text form.</returns>
    /// <exception cref="System.Security.Cryptography.CryptographicException">The stored text cannot be unprotected with this protector.</exception>
    string Unprotect(string protectedSecret);
}
