using System.Diagnostics.Metrics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Choreblimey.Webhooks.Outbox.Tests;

/// <summary>Publishing through the host's own SqliteConnection and SqliteTransaction on the store's file.</summary>
public sealed class SqliteAdoNetOutboxTests : SqliteScenarios
{
    protected override string HarnessOutbox => "ado";

    protected override async Task<int> WriteInvoiceAsync(IServiceProvider services, string database, string invoiceId, Ending ending)
    {
        var outbox = services.GetRequiredService<IWebhookOutbox>();
        await using var connection = new SqliteConnection(ConnectionString(database));
        await connection.OpenAsync();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        await using (var insert = connection.CreateCommand())
        {
            insert.CommandText = "INSERT INTO invoices (id, amount_cents) VALUES ($id, 1250)";
            insert.Parameters.AddWithValue("$id", invoiceId);
            await insert.ExecuteNonQueryAsync();
        }

        var receipt = await outbox.PublishAsync(transaction, EventType, new { invoiceId, amountCents = 1250 }, PublishOptions(invoiceId));
        Assert.Equal(WebhookPublishStatus.Published, receipt.Status);
        Assert.Equal(1, receipt.DeliveryCount);
        switch (ending)
        {
            case Ending.Rollback:
                await transaction.RollbackAsync();
                break;
            case Ending.Throw:
                throw new SimulatedFailureException();
            default:
                await transaction.CommitAsync();
                outbox.NotifyCommitted();
                break;
        }

        return 1;
    }

    [Fact]
    public async Task Until_the_commit_only_the_hosts_connection_sees_the_webhook()
    {
        var database = await NewDatabaseAsync();
        await using var provider = new ServiceCollection()
            .AddLogging()
            .AddWebhooks()
            .AddEvent(EventType, "Invoices", "An invoice was created.")
            .UseSqliteStore(database)
            .Services.BuildServiceProvider();
        var outbox = provider.GetRequiredService<IWebhookOutbox>();
        await provider.GetRequiredService<IWebhookStore>().GetNextDueTimeAsync();

        await using var connection = new SqliteConnection(ConnectionString(database));
        await connection.OpenAsync();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        var receipt = await outbox.PublishAsync(transaction, EventType, new { n = 1 }, new WebhookPublishOptions { TenantId = Tenant });

        await using (var inside = connection.CreateCommand())
        {
            inside.CommandText = "SELECT count(*) FROM messages";
            Assert.Equal(1L, await inside.ExecuteScalarAsync());
        }

        Assert.Equal(0, await CountAsync(database, "messages"));
        await transaction.CommitAsync();
        Assert.Equal(1, await CountAsync(database, "messages"));
        Assert.Equal(WebhookPublishStatus.Published, receipt.Status);
    }

    [Fact]
    public async Task A_duplicate_written_in_a_transaction_is_not_counted_as_published_again()
    {
        var database = await NewDatabaseAsync();
        await using var provider = new ServiceCollection()
            .AddLogging()
            .AddWebhooks()
            .AddEvent(EventType, "Invoices", "An invoice was created.")
            .UseSqliteStore(database)
            .Services.BuildServiceProvider();
        var outbox = provider.GetRequiredService<IWebhookOutbox>();
        await provider.GetRequiredService<IWebhookStore>().GetNextDueTimeAsync();
        var factory = provider.GetRequiredService<IMeterFactory>();
        long published = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, factory) && instrument.Name == "webhooks.events.published")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref published, value));
        listener.Start();

        await using var connection = new SqliteConnection(ConnectionString(database));
        await connection.OpenAsync();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        var first = await outbox.PublishAsync(transaction, EventType, new { n = 1 }, PublishOptions("inv_twice"));
        var second = await outbox.PublishAsync(transaction, EventType, new { n = 1 }, PublishOptions("inv_twice"));
        await transaction.CommitAsync();

        Assert.Equal(WebhookPublishStatus.Published, first.Status);
        Assert.Equal(WebhookPublishStatus.Duplicate, second.Status);
        Assert.Equal(first.EventId, second.EventId);
        Assert.Equal(1, Interlocked.Read(ref published));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_key_reused_for_another_event_type_is_refused_and_the_transaction_can_still_commit(bool sameTransaction)
    {
        var database = await NewDatabaseAsync();
        var host = await StartHostAsync(database, worker: false, subscribe: true);
        var outbox = host.Services.GetRequiredService<IWebhookOutbox>();
        await using var connection = new SqliteConnection(ConnectionString(database));

        await AdoNetWriter.AssertKeyReusedForAnotherEventTypeIsRefusedAsync(
            connection,
            sameTransaction,
            (transaction, eventType, options) => outbox.PublishAsync((SqliteTransaction)transaction, eventType, new { eventType }, options));
        Assert.Equal(1, await CountAsync(database, "messages"));
    }

    [Fact]
    public async Task A_transaction_on_another_file_is_refused()
    {
        var database = await NewDatabaseAsync();
        var other = await NewDatabaseAsync();
        await using var provider = new ServiceCollection()
            .AddLogging()
            .AddWebhooks()
            .AddEvent(EventType, "Invoices", "An invoice was created.")
            .UseSqliteStore(database)
            .Services.BuildServiceProvider();
        var outbox = provider.GetRequiredService<IWebhookOutbox>();

        await using var connection = new SqliteConnection(ConnectionString(other));
        await connection.OpenAsync();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () => await outbox.PublishAsync(transaction, EventType, new { n = 1 }));
        Assert.Contains("same SQLite file", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false, "Publishing inside a SqliteTransaction needs the SQLite webhook store, but the registered store is InMemoryWebhookStore. Call UseSqliteStore(...) on AddWebhooks().")]
    [InlineData(true, "Publishing inside a SqliteTransaction needs the SQLite webhook store, but the registered store is WebhookHarnessStore. That is the Testing package's AddWebhooksTestHarness()")]
    public async Task A_transaction_without_the_SQLite_store_is_refused_naming_the_registered_store(bool harness, string expected)
    {
        var database = await NewDatabaseAsync();
        var services = new ServiceCollection().AddLogging();
        services.AddWebhooks().AddEvent(EventType, "Invoices", "An invoice was created.").UseSqliteStore(database);
        if (harness)
        {
            services.AddWebhooksTestHarness();
        }
        else
        {
            services.AddWebhooks().UseInMemoryStore();
        }

        await using var provider = services.BuildServiceProvider();
        await using var connection = new SqliteConnection(ConnectionString(database));
        await connection.OpenAsync();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await provider.GetRequiredService<IWebhookOutbox>().PublishAsync(transaction, EventType, new { n = 1 }));

        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }
}
