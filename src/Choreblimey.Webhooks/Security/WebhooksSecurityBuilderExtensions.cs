using Choreblimey.Webhooks;
using Choreblimey.Webhooks.Security;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Security settings on the builder returned by <c>AddWebhooks()</c>.</summary>
public static class WebhooksSecurityBuilderExtensions
{
    /// <summary>
    /// Admits loopback receivers (<c>127.0.0.0/8</c> and <c>::1/128</c>), over plain http too. For samples, tests and local
    /// development; never call it where subscription URLs come from people you do not trust.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IWebhooksBuilder AllowLoopback(this IWebhooksBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Configure<WebhookOptions>(static options =>
        {
            var security = options.Security;
            foreach (var network in (string[])["127.0.0.0/8", "::1/128"])
            {
                if (!security.AllowedNetworks.Contains(network))
                {
                    security.AllowedNetworks.Add(network);
                }
            }

            security.AllowHttpForLoopback = true;
        });
        return builder;
    }

    /// <summary>
    /// Encrypts stored signing secrets with AES-256-GCM under <paramref name="key"/>. Keep the key outside the database
    /// (a key vault, an environment secret); secrets written with it cannot be read without it.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="key">A 32-byte key from a cryptographically secure source.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">The key is not 32 bytes long.</exception>
    public static IWebhooksBuilder ProtectSecretsWith(this IWebhooksBuilder builder, ReadOnlySpan<byte> key) =>
        builder.ProtectSecretsWith(new AesGcmWebhookSecretProtector(key));

    /// <summary>Protects stored signing secrets with <paramref name="protector"/>, replacing the default (which stores them as they are).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="protector">The protector.</param>
    /// <returns>The builder.</returns>
    public static IWebhooksBuilder ProtectSecretsWith(this IWebhooksBuilder builder, IWebhookSecretProtector protector)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(protector);
        builder.Services.Replace(ServiceDescriptor.Singleton(protector));
        return builder;
    }
}
