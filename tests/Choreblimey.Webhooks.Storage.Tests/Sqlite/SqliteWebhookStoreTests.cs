using Choreblimey.Webhooks.Sqlite;
using Choreblimey.Webhooks.Sqlite.Internal;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NSubstitute;
using static Choreblimey.Webhooks.Storage.Tests.Conformance.StoreTestData;

namespace Choreblimey.Webhooks.Storage.Tests.Sqlite;

/// <summary>SQLite-specific behaviour: schema, durability across reopen, group commit, cancellation, registration.</summary>
public sealed class SqliteWebhookStoreTests : IDisposable
{
    private readonly TempDatabaseDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task The_schema_version_is_recorded_and_reopening_an_existing_file_migrates_idempotently()
    {
        var path = _directory.File();
        await using (var store = Open(path))
        {
            await store.CreateSubscriptionAsync(Subscription(SubId(1)));
        }

        Assert.Equal(SqliteSchema.CurrentVersion, ReadPragma(path, "user_version"));
        Assert.Equal("wal", ReadPragma(path, "journal_mode"));

        await using (var reopened = Open(path))
        {
            StoreAssert(await reopened.GetSubscriptionAsync(TenantA, SubId(1)));
            await reopened.CreateSubscriptionAsync(Subscription(SubId(2)));
            Assert.Equal(2, (await reopened.GetTenantSubscriptionsAsync(TenantA)).Count);
        }

        Assert.Equal(SqliteSchema.CurrentVersion, ReadPragma(path, "user_version"));

        static void StoreAssert(WebhookSubscription? subscription) => Assert.Equal(SubId(1), subscription?.Id);
    }

    [Fact]
    public async Task Several_stores_opening_a_new_file_at_once_all_migrate_safely()
    {
        var path = _directory.File();
        var stores = Enumerable.Range(0, 4).Select(_ => Open(path)).ToArray();
        try
        {
            await Task.WhenAll(stores.Select(s => Task.Run(async () => await s.GetSubscriptionVersionAsync())));
            await Task.WhenAll(stores.Select((s, i) => Task.Run(async () => await s.CreateSubscriptionAsync(Subscription(SubId(i + 1))))));

            foreach (var store in stores)
            {
                Assert.Equal(4, (await store.GetTenantSubscriptionsAsync(TenantA)).Count);
            }
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }

        Assert.Equal(SqliteSchema.CurrentVersion, ReadPragma(path, "user_version"));
    }

    [Fact]
    public async Task A_database_with_a_newer_schema_is_refused()
    {
        var path = _directory.File();
        await using (var store = Open(path))
        {
            await store.GetSubscriptionVersionAsync();
        }

        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA user_version = 99;";
            command.ExecuteNonQuery();
        }

        await using var newer = Open(path);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await newer.GetSubscriptionVersionAsync());
    }

    [Fact]
    public async Task Data_survives_closing_and_reopening_the_store()
    {
        var path = _directory.File();
        var message = Message(MsgId(1), idempotencyKey: "key-1", payload: 7);
        var delivery = Conformance.StoreTestData.Delivery(DlvId(1), message, SubId(1));
        var attempt = Attempt(delivery, 1, T0.AddSeconds(1));
        long versionBefore;
        await using (var store = Open(path))
        {
            await store.CreateSubscriptionAsync(FullSubscription(SubId(1)));
            await store.InsertMessageAsync(message, [delivery, Conformance.StoreTestData.Delivery(DlvId(2), message, SubId(2))]);
            var lease = (await store.ClaimDueDeliveriesAsync(new WebhookClaimRequest("w", 1, T0, TimeSpan.FromMinutes(1))))[0];
            Assert.True(await store.RecordAttemptAsync(new WebhookAttemptRecord
            {
                DeliveryId = lease.Delivery.Id,
                FencingToken = lease.FencingToken,
                Attempt = attempt,
                NewStatus = WebhookDeliveryStatus.Pending,
                NextAttemptAt = T0.AddMinutes(5),
            }));
            versionBefore = await store.GetSubscriptionVersionAsync();
        }

        await using var reopened = Open(path);
        Conformance.StoreAssert.Equal(FullSubscription(SubId(1)), await reopened.GetSubscriptionAsync(TenantA, SubId(1)));
        Conformance.StoreAssert.Equal(message, await reopened.GetMessageAsync(TenantA, MsgId(1)));
        var stored = await reopened.GetDeliveryAsync(TenantA, DlvId(1));
        Assert.Equal(1, stored!.AttemptCount);
        Assert.Equal(T0.AddMinutes(5), stored.NextAttemptAt);
        Assert.Equal(1, stored.FencingToken);
        Assert.Equal([attempt], await reopened.GetAttemptsAsync(TenantA, DlvId(1)));
        Assert.Equal(versionBefore, await reopened.GetSubscriptionVersionAsync());
        Assert.Equal(T0, await reopened.GetNextDueTimeAsync());
        var duplicate = await reopened.InsertMessageAsync(Message(MsgId(2), idempotencyKey: "key-1"), []);
        Assert.Equal(new WebhookMessageInsertResult(MsgId(1), 2, true), duplicate);
    }

    [Fact]
    public async Task Five_hundred_concurrent_inserts_all_commit_in_far_fewer_batches()
    {
        await using var store = Open(_directory.File());
        await store.GetSubscriptionVersionAsync();
        var batchesBefore = store.CommittedBatches;

        var results = await Task.WhenAll(Enumerable.Range(1, 500).Select(n => Task.Run(async () =>
        {
            var message = Message(MsgId(n), idempotencyKey: $"key-{n}", payload: n);
            return await store.InsertMessageAsync(message, [Conformance.StoreTestData.Delivery(DlvId(n), message, SubId(n % 7))]);
        })));

        Assert.All(results, r => Assert.False(r.IsDuplicate));
        Assert.Equal(500, results.Select(r => r.MessageId).Distinct().Count());
        Assert.True(store.CommittedBatches - batchesBefore < 500, $"{store.CommittedBatches - batchesBefore} batches for 500 writes.");
        for (var n = 1; n <= 500; n++)
        {
            Assert.Equal(Payload(n), (await store.GetMessageAsync(TenantA, MsgId(n)))!.Data.ToArray());
        }

        var page = await store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = TenantA, Limit = 1000 });
        Assert.Equal(500, page.Items.Count);
    }

    [Fact]
    public async Task The_writer_counts_its_time_running_operations_and_committing_them()
    {
        await using var store = Open(_directory.File());
        await store.GetSubscriptionVersionAsync();
        var operationsBefore = store.WriterOperationTime;
        var commitsBefore = store.WriterCommitTime;

        var message = Message(MsgId(1));
        await store.InsertMessageAsync(message, [Conformance.StoreTestData.Delivery(DlvId(1), message)]);

        Assert.True(store.WriterOperationTime > operationsBefore, "the insert's statements should count as operation time");
        Assert.True(store.WriterCommitTime > commitsBefore, "its commit should count as commit time");
    }

    [Fact]
    public async Task An_attempt_is_recorded_through_its_lease_rowid_and_a_hint_naming_another_row_changes_only_its_own_delivery()
    {
        await using var store = Open(_directory.File());
        var leases = await PublishAndClaimTwoAsync(store);
        Assert.Equal(2, store.LeasedRowIds.Count);

        // Point the first delivery's hint at the second delivery's row: a record that trusted the rowid alone would
        // complete the second delivery (same fencing token, still pending) with the first one's attempt.
        Assert.True(store.LeasedRowIds.TryTake(DlvId(1), out var firstRow));
        Assert.True(store.LeasedRowIds.TryTake(DlvId(2), out var secondRow));
        Assert.NotEqual(firstRow, secondRow);
        store.LeasedRowIds.Add(DlvId(1), secondRow);

        Assert.True(await store.RecordAttemptAsync(Succeeded(leases[0])));

        Assert.Equal(WebhookDeliveryStatus.Succeeded, (await store.GetDeliveryAsync(TenantA, DlvId(1)))!.Status);
        var untouched = await store.GetDeliveryAsync(TenantA, DlvId(2));
        Assert.Equal((WebhookDeliveryStatus.Pending, 0, "worker-1"), (untouched!.Status, untouched.AttemptCount, untouched.LeaseOwner));
        Assert.Empty(await store.GetAttemptsAsync(TenantA, DlvId(2)));
        Assert.Equal(0, store.LeasedRowIds.Count);

        // A record without a hint finds its row by id; a repeated one changes nothing either way.
        Assert.True(await store.RecordAttemptAsync(Succeeded(leases[1])));
        Assert.Equal(WebhookDeliveryStatus.Succeeded, (await store.GetDeliveryAsync(TenantA, DlvId(2)))!.Status);
        store.LeasedRowIds.Add(DlvId(2), secondRow);
        Assert.False(await store.RecordAttemptAsync(Succeeded(leases[1])));
        Assert.Single(await store.GetAttemptsAsync(TenantA, DlvId(2)));
    }

    [Fact]
    public async Task Recording_or_releasing_a_lease_drops_its_rowid_hint()
    {
        await using var store = Open(_directory.File());
        var leases = await PublishAndClaimTwoAsync(store);
        Assert.Equal(2, store.LeasedRowIds.Count);

        Assert.True(await store.RecordAttemptAsync(Succeeded(leases[0])));
        Assert.Equal(1, store.LeasedRowIds.Count);
        Assert.True(await store.ReleaseLeaseAsync(new WebhookLeaseRelease(leases[1].Delivery.Id, leases[1].FencingToken, T0)));
        Assert.Equal(0, store.LeasedRowIds.Count);
    }

    [Fact]
    public async Task A_record_run_again_after_its_batch_failed_finds_its_row_without_the_hint_the_first_run_took()
    {
        await using var store = Open(_directory.File());
        await store.CreateSubscriptionAsync(Subscription(SubId(1)));
        var leases = await PublishAndClaimTwoAsync(store);

        Task<bool> record;
        Task duplicate;
        using (var gate = await WriterGate.CloseAsync(store))
        {
            // The record runs first and takes its hint; the duplicate then fails the batch, which is rolled back and run
            // again with each write in its own savepoint.
            record = store.RecordAttemptAsync(Succeeded(leases[0])).AsTask();
            duplicate = store.CreateSubscriptionAsync(Subscription(SubId(1))).AsTask();
            gate.Open();
        }

        await Assert.ThrowsAsync<InvalidOperationException>(() => duplicate);
        Assert.True(await record);
        Assert.Equal(WebhookDeliveryStatus.Succeeded, (await store.GetDeliveryAsync(TenantA, DlvId(1)))!.Status);
        Assert.Single(await store.GetAttemptsAsync(TenantA, DlvId(1)));
    }

    [Fact]
    public async Task The_worker_writes_report_a_cancelled_token_and_a_disposed_store_through_their_tasks_not_by_throwing()
    {
        var store = Open(_directory.File());
        var leases = await PublishAndClaimTwoAsync(store);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        var record = store.RecordAttemptAsync(Succeeded(leases[0]), cancelled.Token);
        var claim = store.ClaimDueDeliveriesAsync(new WebhookClaimRequest("worker-1", 2, T0, TimeSpan.FromMinutes(5)), cancelled.Token);
        Assert.True(record.IsCanceled);
        Assert.True(claim.IsCanceled);
        Assert.Equal(WebhookDeliveryStatus.Pending, (await store.GetDeliveryAsync(TenantA, DlvId(1)))!.Status);

        await store.DisposeAsync();
        var release = store.ReleaseLeaseAsync(new WebhookLeaseRelease(leases[1].Delivery.Id, leases[1].FencingToken, T0));
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await release);
    }

    [Fact]
    public async Task Writes_queued_behind_a_busy_writer_commit_together_up_to_the_group_commit_size()
    {
        await using var store = Open(_directory.File(), maxGroupCommitSize: 256);
        await store.GetSubscriptionVersionAsync();
        var batchesBefore = store.CommittedBatches;

        Task<WebhookMessageInsertResult>[] inserts;
        using (var gate = await WriterGate.CloseAsync(store))
        {
            inserts = [.. Enumerable.Range(1, 500).Select(n =>
            {
                var message = Message(MsgId(n), payload: n);
                return store.InsertMessageAsync(message, [Conformance.StoreTestData.Delivery(DlvId(n), message)]).AsTask();
            })];
            gate.Open();
            Assert.True(await gate.Blocked);
        }

        await Task.WhenAll(inserts);

        // The gate's batch, then 256 + 244.
        Assert.Equal(3, store.CommittedBatches - batchesBefore);
        Assert.Equal(500, (await store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = TenantA, Limit = 1000 })).Items.Count);
    }

    [Fact]
    public async Task A_failing_operation_in_a_batch_fails_alone_and_the_rest_commit()
    {
        await using var store = Open(_directory.File());
        await store.CreateSubscriptionAsync(Subscription(SubId(3)));
        var versionBefore = await store.GetSubscriptionVersionAsync();
        var batchesBefore = store.CommittedBatches;

        Task[] creates;
        Task<WebhookMessageInsertResult> insert;
        Task<WebhookMessageInsertResult> halfDone;
        using (var gate = await WriterGate.CloseAsync(store))
        {
            creates = [.. Enumerable.Range(1, 5).Select(n => store.CreateSubscriptionAsync(Subscription(SubId(n)) with { Description = "batch" }).AsTask())];
            var message = Message(MsgId(1));
            insert = store.InsertMessageAsync(message, [Conformance.StoreTestData.Delivery(DlvId(1), message)]).AsTask();

            // Writes its message and first delivery, then fails on the second: its savepoint must undo all of it.
            var broken = Message(MsgId(2));
            halfDone = store.InsertMessageAsync(broken, [Conformance.StoreTestData.Delivery(DlvId(2), broken), Conformance.StoreTestData.Delivery(DlvId(2), broken)]).AsTask();
            gate.Open();
        }

        await Assert.ThrowsAsync<SqliteException>(() => halfDone);
        Assert.Null(await store.GetMessageAsync(TenantA, MsgId(2)));
        Assert.Null(await store.GetDeliveryAsync(TenantA, DlvId(2)));

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => creates[2]);
        Assert.Contains(SubId(3), failure.Message, StringComparison.Ordinal);
        await Task.WhenAll(creates.Where((_, i) => i != 2));
        Assert.Equal(new WebhookMessageInsertResult(MsgId(1), 1, false), await insert);

        Assert.Equal(2, store.CommittedBatches - batchesBefore);
        var subscriptions = await store.GetTenantSubscriptionsAsync(TenantA);
        Assert.Equal(5, subscriptions.Count);
        Assert.Null(subscriptions.Single(s => s.Id == SubId(3)).Description);
        Assert.All(subscriptions.Where(s => s.Id != SubId(3)), s => Assert.Equal("batch", s.Description));
        Assert.Equal(versionBefore + 4, await store.GetSubscriptionVersionAsync());
        Assert.NotNull(await store.GetDeliveryAsync(TenantA, DlvId(1)));
    }

    [Fact]
    public async Task A_write_failing_alone_in_its_batch_leaves_nothing_behind_and_the_writer_goes_on()
    {
        await using var store = Open(_directory.File());
        var broken = Message(MsgId(1));
        var batchesBefore = store.CommittedBatches;

        // Its message and first delivery are written before the second (a duplicate id) fails: none of it may remain.
        await Assert.ThrowsAsync<SqliteException>(async () =>
            await store.InsertMessageAsync(broken, [Conformance.StoreTestData.Delivery(DlvId(1), broken), Conformance.StoreTestData.Delivery(DlvId(1), broken)]));

        Assert.Equal(batchesBefore, store.CommittedBatches);
        Assert.Null(await store.GetMessageAsync(TenantA, MsgId(1)));
        Assert.Null(await store.GetDeliveryAsync(TenantA, DlvId(1)));

        var message = Message(MsgId(2));
        Assert.Equal(new WebhookMessageInsertResult(MsgId(2), 1, false), await store.InsertMessageAsync(message, [Conformance.StoreTestData.Delivery(DlvId(2), message)]));
        Assert.NotNull(await store.GetDeliveryAsync(TenantA, DlvId(2)));
    }

    [Fact]
    public async Task A_write_cancelled_while_queued_is_not_applied_but_one_already_in_a_batch_completes()
    {
        await using var store = Open(_directory.File());
        await store.GetSubscriptionVersionAsync();
        using var inBatch = new CancellationTokenSource();
        using var queued = new CancellationTokenSource();

        Task create;
        using (var gate = await WriterGate.CloseAsync(store, inBatch.Token))
        {
            create = store.CreateSubscriptionAsync(Subscription(SubId(1)), queued.Token).AsTask();
            await queued.CancelAsync();
            await inBatch.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => create);
            gate.Open();
            Assert.True(await gate.Blocked);
        }

        await store.CreateSubscriptionAsync(Subscription(SubId(2)));
        Assert.Null(await store.GetSubscriptionAsync(TenantA, SubId(1)));
        Assert.NotNull(await store.GetSubscriptionAsync(TenantA, SubId(2)));
    }

    [Theory]
    [InlineData(SqliteSynchronousMode.Full, true, 2L, 2L)] // the default: every commit is flushed
    [InlineData(SqliteSynchronousMode.Full, false, 1L, 2L)] // bookkeeping alone is not flushed, the rest is
    [InlineData(SqliteSynchronousMode.Normal, false, 1L, 1L)] // NORMAL throughout
    public async Task Only_batches_of_the_workers_bookkeeping_alone_commit_without_a_flush(
        SqliteSynchronousMode mode, bool flushWorkerWrites, long bookkeepingAlone, long withAFlushedWrite)
    {
        await using var store = new SqliteWebhookStore(new SqliteWebhookStoreOptions
        {
            ConnectionString = $"Data Source={_directory.File()}",
            Synchronous = mode,
            FlushWorkerWrites = flushWorkerWrites,
        });
        static long ReadSynchronous(SqliteConnection connection)
        {
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA synchronous;";
            return (long)command.ExecuteScalar()!;
        }

        Assert.Equal(bookkeepingAlone, await store.WriteAsync(ReadSynchronous, CancellationToken.None, flushOnCommit: false));
        Assert.Equal(withAFlushedWrite, await store.WriteAsync(ReadSynchronous, CancellationToken.None));
        Assert.Equal(bookkeepingAlone, await store.WriteAsync(ReadSynchronous, CancellationToken.None, flushOnCommit: false));

        // Bookkeeping that shares a batch with a flushed write is flushed with it.
        Task<long> bookkeeping, flushed;
        using (var gate = await WriterGate.CloseAsync(store))
        {
            bookkeeping = store.WriteAsync(ReadSynchronous, CancellationToken.None, flushOnCommit: false);
            flushed = store.WriteAsync(ReadSynchronous, CancellationToken.None);
            gate.Open();
            Assert.True(await gate.Blocked);
        }

        Assert.Equal(withAFlushedWrite, await bookkeeping);
        Assert.Equal(withAFlushedWrite, await flushed);
    }

    [Fact]
    public async Task Claims_outcomes_and_lease_releases_are_the_bookkeeping_that_may_commit_unflushed()
    {
        await using var store = new SqliteWebhookStore(new SqliteWebhookStoreOptions
        {
            ConnectionString = $"Data Source={_directory.File()}",
            FlushWorkerWrites = false,
        });
        var message = Message(MsgId(1));
        await store.InsertMessageAsync(message, [Conformance.StoreTestData.Delivery(DlvId(1), message), Conformance.StoreTestData.Delivery(DlvId(2), message)]);
        var before = store.UnflushedBatches;

        var leases = await store.ClaimDueDeliveriesAsync(new WebhookClaimRequest("worker-1", 2, DateTimeOffset.UtcNow.AddMinutes(1), TimeSpan.FromMinutes(5)));
        Assert.Equal(2, leases.Count);
        Assert.True(await store.ReleaseLeaseAsync(new WebhookLeaseRelease(leases[1].Delivery.Id, leases[1].FencingToken, DateTimeOffset.UtcNow)));
        Assert.True(await store.RecordAttemptAsync(new WebhookAttemptRecord
        {
            DeliveryId = leases[0].Delivery.Id,
            FencingToken = leases[0].FencingToken,
            Attempt = new WebhookAttempt
            {
                DeliveryId = leases[0].Delivery.Id,
                TenantId = TenantA,
                AttemptNumber = 1,
                StartedAt = DateTimeOffset.UtcNow,
                Duration = TimeSpan.FromMilliseconds(3),
                Outcome = WebhookAttemptOutcome.Succeeded,
                StatusCode = 200,
            },
            NewStatus = WebhookDeliveryStatus.Succeeded,
            NextAttemptAt = DateTimeOffset.UtcNow,
        }));
        Assert.Equal(before + 3, store.UnflushedBatches);

        // A publish is flushed.
        var second = Message(MsgId(2));
        await store.InsertMessageAsync(second, [Conformance.StoreTestData.Delivery(DlvId(3), second)]);
        Assert.Equal(before + 3, store.UnflushedBatches);
    }

    [Theory]
    [InlineData(null, 2L)]
    [InlineData(SqliteSynchronousMode.Full, 2L)]
    [InlineData(SqliteSynchronousMode.Normal, 1L)]
    public async Task The_writer_connection_runs_with_the_configured_synchronous_mode(SqliteSynchronousMode? mode, long expected)
    {
        var path = _directory.File();
        var options = new SqliteWebhookStoreOptions { ConnectionString = $"Data Source={path}" };
        if (mode is { } chosen)
        {
            options.Synchronous = chosen;
        }

        await using var store = new SqliteWebhookStore(options);

        // Read on the writer's own connection, the one whose commits the setting governs (PRAGMA synchronous is per connection).
        var (synchronous, journalMode, tempStore) = await store.WriteAsync(
            connection =>
            {
                using var command = connection.CreateCommand();
                command.CommandText = "PRAGMA synchronous;";
                var value = (long)command.ExecuteScalar()!;
                command.CommandText = "PRAGMA journal_mode;";
                var journal = (string)command.ExecuteScalar()!;
                command.CommandText = "PRAGMA temp_store;";
                return (value, journal, (long)command.ExecuteScalar()!);
            },
            CancellationToken.None);
        Assert.Equal(expected, synchronous);
        Assert.Equal("wal", journalMode);

        // The per-write savepoints' statement journals stay in memory instead of a temporary file written on every write.
        Assert.Equal(2L, tempStore);

        var message = Message(MsgId(1));
        await store.InsertMessageAsync(message, [Conformance.StoreTestData.Delivery(DlvId(1), message)]);
        Assert.NotNull(await store.GetDeliveryAsync(TenantA, DlvId(1)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("Data Source=:memory:")]
    [InlineData("Data Source=x.db;Mode=Memory")]
    [InlineData("Data Source=x.db;Mode=ReadOnly")]
    public void Invalid_connection_strings_are_refused(string connectionString) =>
        Assert.Throws<ArgumentException>(() => new SqliteWebhookStore(new SqliteWebhookStoreOptions { ConnectionString = connectionString }));

    [Fact]
    public void Invalid_options_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new SqliteWebhookStore(new SqliteWebhookStoreOptions { ConnectionString = "a.db", MaxGroupCommitSize = 0 }));
        Assert.Throws<ArgumentException>(() => new SqliteWebhookStore(new SqliteWebhookStoreOptions { ConnectionString = "a.db", BusyTimeout = TimeSpan.FromSeconds(-1) }));
    }

    [Fact]
    public async Task UseSqliteStore_replaces_the_store_registration_with_one_singleton()
    {
        var path = _directory.File();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(Substitute.For<IWebhookStore>());
        services.AddWebhooks().UseSqliteStore(path);
        services.AddWebhooks().UseSqliteStore(o => o.Synchronous = SqliteSynchronousMode.Normal);

        Assert.Single(services, d => d.ServiceType == typeof(IWebhookStore));
        await using (var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true }))
        {
            var store = provider.GetRequiredService<IWebhookStore>();
            Assert.IsType<SqliteWebhookStore>(store);
            Assert.Same(store, provider.GetRequiredService<IWebhookStore>());
            Assert.Same(store, provider.GetRequiredService<SqliteWebhookStore>());

            var options = provider.GetRequiredService<IOptions<SqliteWebhookStoreOptions>>().Value;
            Assert.Equal($"Data Source={path}", options.ConnectionString);
            Assert.Equal(SqliteSynchronousMode.Normal, options.Synchronous);

            await store.CreateSubscriptionAsync(Subscription(SubId(1)));
        }

        Assert.True(File.Exists(path));
    }

    [Fact]
    public async Task UseSqliteStore_without_a_connection_string_fails_validation()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddWebhooks().UseSqliteStore(_ => { });
        await using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IWebhookStore>());
        Assert.Contains("ConnectionString", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1, "is -00:00:01")]
    [InlineData(30 * 24 * 60 * 60, "is 30.00:00:00")]
    public async Task UseSqliteStore_rejects_a_busy_timeout_out_of_range_and_gives_the_range(int seconds, string expected)
    {
        var services = new ServiceCollection();
        services.AddWebhooks().UseSqliteStore(o =>
        {
            o.ConnectionString = _directory.File();
            o.BusyTimeout = TimeSpan.FromSeconds(seconds);
        });
        await using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IWebhookStore>());
        Assert.Contains("SqliteWebhookStoreOptions.BusyTimeout must be between 00:00:00 and 24.20:31:23.6470000", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Data Source=:memory:", "in-memory databases are not supported")]
    [InlineData("Data Source=hooks;Mode=Memory", "in-memory databases are not supported")]
    [InlineData("Data Source=hooks.db;Mode=ReadOnly", "needs a writable database")]
    [InlineData("Data Source=hooks.db;Cache=Shared", "does not support Cache=Shared")]
    [InlineData("Data Source=hooks.db;Colour=blue", "not a valid SQLite connection string")]
    [InlineData("Data Source=hooks.db;Pooling=maybe", "not a valid SQLite connection string")]
    [InlineData("Data Source=hooks.db;Default Timeout=abc", "not a valid SQLite connection string")]
    public async Task UseSqliteStore_rejects_a_connection_string_it_cannot_work_with_and_names_the_problem(string connectionString, string expected)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddWebhooks().UseSqliteStore(o => o.ConnectionString = connectionString);
        await using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IWebhookStore>());
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_publish_failing_inside_a_host_transaction_leaves_the_transaction_usable_for_the_hosts_commit()
    {
        var path = _directory.File();
        await using var store = Open(path);
        await store.EnsureInitializedAsync(CancellationToken.None);
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using (var create = connection.CreateCommand())
        {
            create.CommandText = "CREATE TABLE chores (name TEXT NOT NULL)";
            create.ExecuteNonQuery();
        }

        using (var transaction = connection.BeginTransaction())
        {
            using (var insert = connection.CreateCommand())
            {
                insert.Transaction = transaction;
                insert.CommandText = "INSERT INTO chores (name) VALUES ('dishes')";
                insert.ExecuteNonQuery();
            }

            // The second delivery repeats the first's id: the message and first delivery are written, then undone.
            var broken = Message(MsgId(1));
            Assert.Throws<SqliteException>(() => store.InsertMessage(transaction, broken, [Conformance.StoreTestData.Delivery(DlvId(1), broken), Conformance.StoreTestData.Delivery(DlvId(1), broken)]));

            var message = Message(MsgId(2));
            Assert.Equal(new WebhookMessageInsertResult(MsgId(2), 1, false), store.InsertMessage(transaction, message, [Conformance.StoreTestData.Delivery(DlvId(2), message)]));
            transaction.Commit();
        }

        Assert.Equal(1L, ReadScalar(path, "SELECT count(*) FROM chores"));
        Assert.Null(await store.GetMessageAsync(TenantA, MsgId(1)));
        Assert.NotNull(await store.GetDeliveryAsync(TenantA, DlvId(2)));
    }

    [Fact]
    public async Task A_claim_refuses_a_delivery_whose_message_belongs_to_another_tenant()
    {
        var path = _directory.File();
        await using var store = Open(path);
        var message = Message(MsgId(1), TenantA);
        await store.InsertMessageAsync(message, []);

        // Only a damaged file holds such a row: the store checks a delivery's tenant against its message's on insert.
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var insert = connection.CreateCommand();
            insert.CommandText = """
                INSERT INTO deliveries (id, tenant_id, message_id, subscription_id, event_type, status, attempt_count, next_attempt_at, created_at, fencing_token, priority)
                VALUES ($id, $tenant, $message, 'sub_1', 'order.created', 0, 0, 0, 0, 0, 0)
                """;
            insert.Parameters.AddWithValue("$id", DlvId(1));
            insert.Parameters.AddWithValue("$tenant", TenantB);
            insert.Parameters.AddWithValue("$message", MsgId(1));
            insert.ExecuteNonQuery();
        }

        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await store.ClaimDueDeliveriesAsync(new WebhookClaimRequest("worker-1", 10, T0, TimeSpan.FromMinutes(1))));

        Assert.Contains(DlvId(1), error.Message, StringComparison.Ordinal);
        Assert.Contains(MsgId(1), error.Message, StringComparison.Ordinal);
    }

    private static long ReadScalar(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }

    private static async Task<IReadOnlyList<WebhookDeliveryLease>> PublishAndClaimTwoAsync(SqliteWebhookStore store)
    {
        var message = Message(MsgId(1));
        await store.InsertMessageAsync(message, [Conformance.StoreTestData.Delivery(DlvId(1), message), Conformance.StoreTestData.Delivery(DlvId(2), message)]);
        var leases = await store.ClaimDueDeliveriesAsync(new WebhookClaimRequest("worker-1", 2, T0, TimeSpan.FromMinutes(5)));
        Assert.Equal([DlvId(1), DlvId(2)], leases.Select(l => l.Delivery.Id));
        return leases;
    }

    private static WebhookAttemptRecord Succeeded(WebhookDeliveryLease lease) => new()
    {
        DeliveryId = lease.Delivery.Id,
        FencingToken = lease.FencingToken,
        Attempt = Attempt(lease.Delivery, 1, T0.AddSeconds(1), WebhookAttemptOutcome.Succeeded, 204),
        NewStatus = WebhookDeliveryStatus.Succeeded,
        NextAttemptAt = T0.AddSeconds(1),
    };

    private static SqliteWebhookStore Open(string path, int maxGroupCommitSize = 256) =>
        new(new SqliteWebhookStoreOptions { ConnectionString = path, MaxGroupCommitSize = maxGroupCommitSize });

    private static object? ReadPragma(string path, string pragma)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA " + pragma + ";";
        var value = command.ExecuteScalar();
        return value is long l ? (int)l : value;
    }
}
