using System.Security.Cryptography;
using Choreblimey.Webhooks.Security;
using Microsoft.Extensions.DependencyInjection;

namespace Choreblimey.Webhooks.Tests.Security;

public sealed class SecretProtectorTests
{
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);

    [Fact]
    public void Aes_gcm_round_trips_and_never_stores_the_secret_in_clear()
    {
        var protector = new AesGcmWebhookSecretProtector(Key);
        var secret = WebhookSecret.Generate().Reveal();

        var first = protector.Protect(secret);
        var second = protector.Protect(secret);

        Assert.StartsWith(AesGcmWebhookSecretProtector.Prefix, first, StringComparison.Ordinal);
        Assert.NotEqual(first, second);
        Assert.DoesNotContain(secret[WebhookSecret.Prefix.Length..], first, StringComparison.Ordinal);
        Assert.Equal(secret, protector.Unprotect(first));
        Assert.Equal(secret, protector.Unprotect(second));
    }

    [Fact]
    public void A_tampered_value_is_refused()
    {
        var protector = new AesGcmWebhookSecretProtector(Key);
        var stored = protector.Protect(WebhookSecret.Generate().Reveal());
        var dot = stored.LastIndexOf('.');
        var bytes = Convert.FromBase64String(stored[(dot + 1)..]);
        bytes[^1] ^= 1;

        var exception = Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(stored[..(dot + 1)] + Convert.ToBase64String(bytes)));

        Assert.Contains("failed authentication", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_value_written_with_another_key_is_refused_naming_both_key_ids()
    {
        var secret = WebhookSecret.Generate().Reveal();
        var stored = new AesGcmWebhookSecretProtector(RandomNumberGenerator.GetBytes(32)).Protect(secret);

        var exception = Assert.ThrowsAny<CryptographicException>(() => new AesGcmWebhookSecretProtector(Key).Unprotect(stored));

        Assert.Contains("key id", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(16)]
    [InlineData(31)]
    [InlineData(33)]
    public void The_key_must_be_32_bytes(int length) =>
        Assert.Throws<ArgumentException>(() => new AesGcmWebhookSecretProtector(new byte[length]));

    [Fact]
    public void Plain_values_written_before_protection_was_enabled_are_still_read()
    {
        var secret = WebhookSecret.Generate().Reveal();

        Assert.Equal(secret, new AesGcmWebhookSecretProtector(Key).Unprotect(secret));
    }

    [Fact]
    public void The_default_protector_is_a_documented_no_op_that_refuses_encrypted_values()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddWebhooks();
        using var provider = services.BuildServiceProvider();
        var protector = provider.GetRequiredService<IWebhookSecretProtector>();
        var secret = WebhookSecret.Generate().Reveal();

        Assert.IsType<NoOpWebhookSecretProtector>(protector);
        Assert.Equal(secret, protector.Protect(secret));
        Assert.Equal(secret, protector.Unprotect(secret));
        var encrypted = new AesGcmWebhookSecretProtector(Key).Protect(secret);
        var exception = Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(encrypted));
        Assert.Contains("ProtectSecretsWith", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Protect_secrets_with_a_key_replaces_the_default()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddWebhooks().ProtectSecretsWith(Key);
        using var provider = services.BuildServiceProvider();

        var protector = provider.GetRequiredService<IWebhookSecretProtector>();

        Assert.IsType<AesGcmWebhookSecretProtector>(protector);
        Assert.Single(services, d => d.ServiceType == typeof(IWebhookSecretProtector));
    }

    [Fact]
    public void Protect_secrets_with_a_custom_protector_replaces_the_default()
    {
        var custom = NSubstitute.Substitute.For<IWebhookSecretProtector>();
        var services = new ServiceCollection();
        services.AddWebhooks().ProtectSecretsWith(custom);
        using var provider = services.BuildServiceProvider();

        Assert.Same(custom, provider.GetRequiredService<IWebhookSecretProtector>());
    }
}
