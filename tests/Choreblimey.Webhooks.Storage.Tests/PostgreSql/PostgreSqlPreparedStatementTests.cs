using Choreblimey.Webhooks.PostgreSql;
using Npgsql;
using static Choreblimey.Webhooks.Storage.Tests.PostgreSql.PostgreSqlTestData;

namespace Choreblimey.Webhooks.Storage.Tests.PostgreSql;

/// <summary>
/// <see cref="PostgreSqlWebhookStoreOptions.PrepareStatements"/>. The store runs on a pool of one connection, whose
/// server session then drops every prepared statement behind Npgsql's back, as a transaction-mode pooler handing the next
/// transaction to another server connection would: a store that prepared its statements reports it with an error that
/// names the option; one that did not is unaffected.
/// </summary>
[Collection(PostgreSqlCollectionDefinition.Name)]
public sealed class PostgreSqlPreparedStatementTests(PostgreSqlServerFixture fixture)
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task A_session_that_lost_the_prepared_statements_gets_an_error_naming_the_option()
    {
        await using var dataSource = NpgsqlDataSource.Create(fixture.DatabaseConnectionString + ";Maximum Pool Size=1");
        await using var store = await CreateStoreAsync(dataSource, prepare: true);
        await PublishAndClaimAsync(store);

        await DropPreparedStatementsAsync(dataSource);

        var claim = await Assert.ThrowsAsync<InvalidOperationException>(
            () => store.ClaimDueDeliveriesAsync(new WebhookClaimRequest("worker", 10, T0, Lease)).AsTask());
        Assert.Contains("PrepareStatements", claim.Message, StringComparison.Ordinal);
        Assert.Equal(PostgresErrorCodes.InvalidSqlStatementName, Assert.IsType<PostgresException>(claim.InnerException).SqlState);

        var message = Message("tenant-a");
        var publish = await Assert.ThrowsAsync<InvalidOperationException>(
            () => store.InsertMessageAsync(message, Deliveries(message, 1)).AsTask());
        Assert.Contains("PrepareStatements", publish.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_prepared_statements_the_store_does_not_depend_on_the_session_keeping_them()
    {
        await using var dataSource = NpgsqlDataSource.Create(fixture.DatabaseConnectionString + ";Maximum Pool Size=1");
        await using var store = await CreateStoreAsync(dataSource, prepare: false);
        await PublishAndClaimAsync(store);

        await DropPreparedStatementsAsync(dataSource);

        var lease = Assert.Single(await PublishAndClaimAsync(store));
        Assert.True(await store.RecordAttemptAsync(new WebhookAttemptRecord
        {
            DeliveryId = lease.Delivery.Id,
            FencingToken = lease.FencingToken,
            NewStatus = WebhookDeliveryStatus.Succeeded,
            Attempt = Attempt(lease.Delivery, 1, WebhookAttemptOutcome.Succeeded, 200),
        }));
    }

    private async Task<PostgreSqlWebhookStore> CreateStoreAsync(NpgsqlDataSource dataSource, bool prepare)
    {
        var store = new PostgreSqlWebhookStore(new PostgreSqlWebhookStoreOptions
        {
            DataSource = dataSource,
            Schema = fixture.NewSchemaName(),
            UseNotifications = false,
            PrepareStatements = prepare,
        });
        await store.EnsureSchemaAsync(CancellationToken.None);
        return store;
    }

    private static async Task<IReadOnlyList<WebhookDeliveryLease>> PublishAndClaimAsync(PostgreSqlWebhookStore store)
    {
        var message = Message("tenant-a");
        await store.InsertMessageAsync(message, Deliveries(message, 1, T0));
        var leases = await store.ClaimDueDeliveriesAsync(new WebhookClaimRequest("worker", 10, T0, Lease));
        Assert.Contains(leases, l => l.Delivery.MessageId == message.Id);
        return leases;
    }

    /// <summary>Drops the session's prepared statements on the pool's only connection, without Npgsql knowing.</summary>
    private static async Task DropPreparedStatementsAsync(NpgsqlDataSource dataSource)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand("DEALLOCATE ALL", connection);
        await command.ExecuteNonQueryAsync();
    }
}
