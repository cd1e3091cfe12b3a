using System.Security.Cryptography;
using System.Text;
using Choreblimey.Webhooks.Security;
using Choreblimey.Webhooks.Sqlite;
using Microsoft.Data.Sqlite;

namespace Choreblimey.Webhooks.Storage.Tests.Sqlite;

/// <summary>Secrets at rest go through the configured protector; the file never holds them in clear.</summary>
public sealed class SqliteSecretProtectionTests : IDisposable
{
    private readonly TempDatabaseDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task A_protected_secret_is_encrypted_in_the_file_and_read_back_with_the_key()
    {
        var path = _directory.File();
        var key = RandomNumberGenerator.GetBytes(32);
        var subscription = Conformance.StoreTestData.Subscription("sub_protected", "tenant-a");
        var secretText = subscription.Secrets[0].Secret.Reveal();

        await using (var store = new SqliteWebhookStore(new SqliteWebhookStoreOptions { ConnectionString = path }, new AesGcmWebhookSecretProtector(key)))
        {
            await store.CreateSubscriptionAsync(subscription);
        }

        var raw = ReadDocument(path, subscription.Id);
        Assert.DoesNotContain(secretText, raw, StringComparison.Ordinal);
        Assert.DoesNotContain(secretText[WebhookSecret.Prefix.Length..], raw, StringComparison.Ordinal);
        Assert.Contains(AesGcmWebhookSecretProtector.Prefix, raw, StringComparison.Ordinal);

        await using (var store = new SqliteWebhookStore(new SqliteWebhookStoreOptions { ConnectionString = path }, new AesGcmWebhookSecretProtector(key)))
        {
            var read = await store.GetSubscriptionAsync("tenant-a", subscription.Id);
            Assert.Equal(subscription.Secrets[0].Secret, read!.Secrets[0].Secret);
        }

        await using (var withoutKey = new SqliteWebhookStore(new SqliteWebhookStoreOptions { ConnectionString = path }))
        {
            var error = await Assert.ThrowsAsync<CryptographicException>(async () => await withoutKey.GetSubscriptionAsync("tenant-a", subscription.Id));
            Assert.Contains("ProtectSecretsWith", error.Message, StringComparison.Ordinal);
        }
    }

    private static string ReadDocument(string path, string id)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT document FROM subscriptions WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        return Encoding.UTF8.GetString((byte[])command.ExecuteScalar()!);
    }
}
