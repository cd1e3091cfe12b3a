using System.Collections.Concurrent;
using Choreblimey.Webhooks.PostgreSql;
using Npgsql;
using static Choreblimey.Webhooks.Storage.Tests.PostgreSql.PostgreSqlTestData;

namespace Choreblimey.Webhooks.Storage.Tests.PostgreSql;

[Collection(PostgreSqlCollectionDefinition.Name)]
public sealed class PostgreSqlWebhookStoreTests(PostgreSqlServerFixture fixture)
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task Schema_install_is_idempotent()
    {
        var schema = fixture.NewSchemaName();
        var first = await fixture.CreatePostgreSqlStoreAsync(schema);
        await first.EnsureSchemaAsync(CancellationToken.None);
        var second = await fixture.CreatePostgreSqlStoreAsync(schema);
        await second.EnsureSchemaAsync(CancellationToken.None);

        Assert.Equal((long)PostgreSqlSchema.CurrentVersion, await ScalarAsync(fixture.DatabaseConnectionString, $"SELECT count(*) FROM \"{schema}\".schema_version"));
        Assert.Equal(PostgreSqlSchema.CurrentVersion, await ScalarAsync(fixture.DatabaseConnectionString, $"SELECT max(version) FROM \"{schema}\".schema_version"));
        Assert.Equal(0L, await second.GetSubscriptionVersionAsync());
    }

    [Fact]
    public async Task The_schema_script_installs_what_a_store_with_InstallSchema_off_uses_and_one_with_it_on_finds_current()
    {
        var schema = fixture.NewSchemaName();
        var script = PostgreSqlWebhookSchemaScript.Create(schema);

        await ScalarAsync(fixture.DatabaseConnectionString, script);

        Assert.Equal((long)PostgreSqlWebhookSchemaScript.CurrentVersion, await ScalarAsync(fixture.DatabaseConnectionString, $"SELECT count(*) FROM \"{schema}\".schema_version"));
        var store = await fixture.CreatePostgreSqlStoreAsync(schema, install: false);
        var message = Message("tenant-a");
        await store.InsertMessageAsync(message, Deliveries(message, 2));
        Assert.Equal(2, (await store.ClaimDueDeliveriesAsync(new WebhookClaimRequest("w", 10, DateTimeOffset.UtcNow.AddMinutes(1), Lease))).Count);
        var installing = await fixture.CreatePostgreSqlStoreAsync(schema);
        Assert.Equal(0L, await installing.GetSubscriptionVersionAsync());
        Assert.Equal((long)PostgreSqlWebhookSchemaScript.CurrentVersion, await ScalarAsync(fixture.DatabaseConnectionString, $"SELECT count(*) FROM \"{schema}\".schema_version"));

        // At the current version the script changes nothing and can be run again.
        await ScalarAsync(fixture.DatabaseConnectionString, PostgreSqlWebhookSchemaScript.Create(schema, PostgreSqlWebhookSchemaScript.CurrentVersion));
        Assert.Equal((long)PostgreSqlWebhookSchemaScript.CurrentVersion, await ScalarAsync(fixture.DatabaseConnectionString, $"SELECT count(*) FROM \"{schema}\".schema_version"));
    }

    [Fact]
    public async Task A_schema_script_written_for_another_version_fails_naming_both_and_changes_nothing()
    {
        var schema = fixture.NewSchemaName();
        await ScalarAsync(fixture.DatabaseConnectionString, PostgreSqlWebhookSchemaScript.Create(schema, installedVersion: 0));

        // Written for version 2 while the database reads as one version short of current: it would re-run versions 3 onwards.
        var previous = PostgreSqlWebhookSchemaScript.CurrentVersion - 1;
        await ScalarAsync(fixture.DatabaseConnectionString, $"DELETE FROM \"{schema}\".schema_version WHERE version = {PostgreSqlWebhookSchemaScript.CurrentVersion}");
        var exception = await Assert.ThrowsAsync<PostgresException>(() => ScalarAsync(fixture.DatabaseConnectionString, PostgreSqlWebhookSchemaScript.Create(schema, installedVersion: 2)));

        Assert.Contains($"is at version {previous}, but this script was written for version 2. Write it with PostgreSqlWebhookSchemaScript.Create(\"{schema}\", {previous})", exception.MessageText, StringComparison.Ordinal);
        Assert.Equal((long)previous, await ScalarAsync(fixture.DatabaseConnectionString, $"SELECT count(*) FROM \"{schema}\".schema_version"));
        await ScalarAsync(fixture.DatabaseConnectionString, $"INSERT INTO \"{schema}\".schema_version (version) VALUES ({PostgreSqlWebhookSchemaScript.CurrentVersion})");

        // Written for a new database while it is current: refused saying there is nothing to install (before, it asked for a
        // script written for the current version, which would have run nothing), not a duplicate-table error half-way.
        var again = await Assert.ThrowsAsync<PostgresException>(() => ScalarAsync(fixture.DatabaseConnectionString, PostgreSqlWebhookSchemaScript.Create(schema)));
        Assert.Equal($"The webhook schema \"{schema}\" is already at version {PostgreSqlWebhookSchemaScript.CurrentVersion}, the current version of this library: there is nothing to install.", again.MessageText);
        Assert.Equal((long)PostgreSqlWebhookSchemaScript.CurrentVersion, await ScalarAsync(fixture.DatabaseConnectionString, $"SELECT count(*) FROM \"{schema}\".schema_version"));
    }

    [Fact]
    public async Task With_InstallSchema_off_a_missing_or_older_schema_fails_naming_the_option_and_the_script_until_it_is_installed()
    {
        var schema = fixture.NewSchemaName();
        var store = fixture.CreateAppRoleStore(schema, installSchema: false);

        // Before: "42P01: relation "....subscription_version" does not exist" from the first statement.
        var missing = await Assert.ThrowsAsync<InvalidOperationException>(async () => await store.GetSubscriptionVersionAsync());
        Assert.Equal(
            $"The webhook schema '{schema}' is not installed in this database, and PostgreSqlWebhookStoreOptions.InstallSchema is off, so the store does not create it. "
            + $"Run the script from PostgreSqlWebhookSchemaScript.Create(\"{schema}\") as a user who may create objects, or turn InstallSchema on.",
            missing.Message);

        // Installed by an administrator, one version short of the library's.
        await ScalarAsync(fixture.DatabaseConnectionString, PostgreSqlWebhookSchemaScript.Create(schema));
        await ScalarAsync(fixture.DatabaseConnectionString, $"""
            GRANT USAGE ON SCHEMA {schema} TO {PostgreSqlServerFixture.AppRole};
            GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {PostgreSqlServerFixture.AppRole};
            DELETE FROM {schema}.schema_version WHERE version = {PostgreSqlWebhookSchemaScript.CurrentVersion};
            """);
        var older = await Assert.ThrowsAsync<InvalidOperationException>(async () => await store.GetSubscriptionVersionAsync());
        Assert.Contains($"is at version {PostgreSqlWebhookSchemaScript.CurrentVersion - 1}; this library needs version {PostgreSqlWebhookSchemaScript.CurrentVersion}", older.Message, StringComparison.Ordinal);
        Assert.Contains($"PostgreSqlWebhookSchemaScript.Create(\"{schema}\", installedVersion: {PostgreSqlWebhookSchemaScript.CurrentVersion - 1})", older.Message, StringComparison.Ordinal);

        // Granted every table but the version table (a narrower grant than the README's): told which grant is missing.
        await ScalarAsync(fixture.DatabaseConnectionString, $"REVOKE SELECT ON {schema}.schema_version FROM {PostgreSqlServerFixture.AppRole}");
        var unreadable = await Assert.ThrowsAsync<InvalidOperationException>(async () => await store.GetSubscriptionVersionAsync());
        Assert.StartsWith($"The webhook store may not read \"{schema}\".schema_version, which it checks on first use because PostgreSqlWebhookStoreOptions.InstallSchema is off", unreadable.Message, StringComparison.Ordinal);
        await ScalarAsync(fixture.DatabaseConnectionString, $"GRANT SELECT ON {schema}.schema_version TO {PostgreSqlServerFixture.AppRole}");

        // Once current, the same store works without a restart.
        await ScalarAsync(fixture.DatabaseConnectionString, $"INSERT INTO {schema}.schema_version (version) VALUES ({PostgreSqlWebhookSchemaScript.CurrentVersion})");
        Assert.Equal(0L, await store.GetSubscriptionVersionAsync());
    }

    [Fact]
    public async Task With_InstallSchema_on_a_user_who_may_not_create_the_schema_is_told_how_to_install_it()
    {
        var schema = fixture.NewSchemaName();
        var store = fixture.CreateAppRoleStore(schema, installSchema: true);

        // Before: "42501: permission denied for database ...", naming neither the option nor the script.
        var exception = await Assert.ThrowsAsync<InvalidOperationException>(async () => await store.GetSubscriptionVersionAsync());

        Assert.StartsWith($"The webhook store could not install its schema '{schema}': the database user may not create or upgrade it (permission denied", exception.Message, StringComparison.Ordinal);
        Assert.EndsWith(
            $"Have a user who may run the script from PostgreSqlWebhookSchemaScript.Create(\"{schema}\"), grant the application's user what the store needs (see the package's README), and set PostgreSqlWebhookStoreOptions.InstallSchema = false.",
            exception.Message,
            StringComparison.Ordinal);
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, Assert.IsType<PostgresException>(exception.InnerException).SqlState);
    }

    [Theory]
    [InlineData("webhooks", -1, "installedVersion")]
    [InlineData("webhooks", int.MaxValue, "installedVersion")] // newer than this library's schema
    [InlineData("Web Hooks", 0, "schema")]
    public void The_schema_script_refuses_what_the_store_would(string schema, int installedVersion, string parameter)
    {
        var exception = Assert.ThrowsAny<ArgumentException>(() => PostgreSqlWebhookSchemaScript.Create(schema, installedVersion));

        Assert.Equal(parameter, exception.ParamName);
    }

    [Fact]
    public async Task Five_stores_installing_concurrently_on_a_fresh_database_all_succeed()
    {
        var database = await fixture.Server.CreateDatabaseAsync();
        var stores = new List<PostgreSqlWebhookStore>();
        for (var i = 0; i < 5; i++)
        {
            stores.Add(await fixture.CreatePostgreSqlStoreAsync("webhooks", database, install: false));
        }

        using var start = new ManualResetEventSlim();
        var installs = stores.Select(s => Task.Run(async () =>
        {
            start.Wait();
            await s.EnsureSchemaAsync(CancellationToken.None);
            return await s.GetSubscriptionVersionAsync();
        })).ToArray();
        start.Set();

        Assert.All(await Task.WhenAll(installs), v => Assert.Equal(0L, v));
        Assert.Equal((long)PostgreSqlSchema.CurrentVersion, await ScalarAsync(database, "SELECT count(*) FROM webhooks.schema_version"));
    }

    [Fact]
    public async Task Three_concurrent_claimers_never_get_the_same_delivery()
    {
        var store = await fixture.CreatePostgreSqlStoreAsync();
        var expected = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            var message = Message("tenant-a");
            var deliveries = Deliveries(message, 20);
            await store.InsertMessageAsync(message, deliveries);
            expected.AddRange(deliveries.Select(d => d.Id));
        }

        var claimed = new ConcurrentBag<(string Owner, string Id, long Token)>();
        using var start = new ManualResetEventSlim();
        var claimers = Enumerable.Range(0, 3).Select(n => Task.Run(async () =>
        {
            start.Wait();
            var owner = "worker-" + n;
            while (true)
            {
                var leases = await store.ClaimDueDeliveriesAsync(new WebhookClaimRequest(owner, 7, T0, Lease));
                if (leases.Count == 0)
                {
                    return;
                }

                foreach (var lease in leases)
                {
                    Assert.Equal(owner, lease.Delivery.LeaseOwner);
                    claimed.Add((owner, lease.Delivery.Id, lease.FencingToken));
                }
            }
        })).ToArray();
        start.Set();
        await Task.WhenAll(claimers);

        Assert.Equal(expected.Count, claimed.Count);
        Assert.Equal(expected.Order(StringComparer.Ordinal), claimed.Select(c => c.Id).Order(StringComparer.Ordinal));
        Assert.All(claimed, c => Assert.Equal(1L, c.Token));
        Assert.Empty(await store.ClaimDueDeliveriesAsync(new WebhookClaimRequest("late", 100, T0, Lease)));
    }

    [Fact]
    public async Task Claims_come_oldest_due_first_and_only_when_due()
    {
        var store = await fixture.CreatePostgreSqlStoreAsync();
        var message = Message("tenant-a");
        var later = PostgreSqlTestData.Delivery(message, dueAt: T0.AddSeconds(30));
        var sooner = PostgreSqlTestData.Delivery(message, dueAt: T0.AddSeconds(10));
        var future = PostgreSqlTestData.Delivery(message, dueAt: T0.AddHours(1));
        await store.InsertMessageAsync(message, [later, future, sooner]);

        Assert.Equal(T0.AddSeconds(10), await store.GetNextDueTimeAsync());
        var leases = await store.ClaimDueDeliveriesAsync(new WebhookClaimRequest("w", 10, T0.AddMinutes(1), Lease));

        Assert.Equal([sooner.Id, later.Id], leases.Select(l => l.Delivery.Id));
        Assert.All(leases, l => Assert.Equal(T0.AddMinutes(1) + Lease, l.LeaseExpiresAt));
        Assert.All(leases, l => Assert.Equal(l.LeaseExpiresAt, l.Delivery.NextAttemptAt));
        Assert.Equal(T0.AddMinutes(1) + Lease, await store.GetNextDueTimeAsync());
    }

    [Fact]
    public async Task A_stale_fencing_token_is_rejected_after_the_lease_lapses_and_another_worker_claims()
    {
        var store = await fixture.CreatePostgreSqlStoreAsync();
        var message = Message("tenant-a");
        var delivery = PostgreSqlTestData.Delivery(message);
        await store.InsertMessageAsync(message, [delivery]);

        var first = Assert.Single(await store.ClaimDueDeliveriesAsync(new WebhookClaimRequest("slow", 1, T0, Lease)));
        Assert.Empty(await store.ClaimDueDeliveriesAsync(new WebhookClaimRequest("other", 1, T0.AddSeconds(30), Lease)));
        var second = Assert.Single(await store.ClaimDueDeliveriesAsync(new WebhookClaimRequest("other", 1, T0 + Lease, Lease)));
        Assert.Equal(first.FencingToken + 1, second.FencingToken);

        var stale = new WebhookAttemptRecord
        {
            DeliveryId = delivery.Id,
            FencingToken = first.FencingToken,
            Attempt = Attempt(delivery, 1, WebhookAttemptOutcome.Succeeded, 200),
            NewStatus = WebhookDeliveryStatus.Succeeded,
        };
        Assert.False(await store.RecordAttemptAsync(stale));
        Assert.False(await store.ReleaseLeaseAsync(new WebhookLeaseRelease(delivery.Id, first.FencingToken, T0)));
        Assert.Empty(await store.GetAttemptsAsync("tenant-a", delivery.Id));

        Assert.True(await store.RecordAttemptAsync(stale with { FencingToken = second.FencingToken }));
        var stored = await store.GetDeliveryAsync("tenant-a", delivery.Id);
        Assert.Equal(WebhookDeliveryStatus.Succeeded, stored!.Status);
        Assert.Single(await store.GetAttemptsAsync("tenant-a", delivery.Id));

        // A final delivery takes no more outcomes, even with the current token.
        Assert.False(await store.RecordAttemptAsync(stale with { FencingToken = second.FencingToken }));
        Assert.False(await store.ReleaseLeaseAsync(new WebhookLeaseRelease(delivery.Id, second.FencingToken, T0)));
    }

    [Fact]
    public async Task Insert_claim_record_round_trip_keeps_every_field()
    {
        var store = await fixture.CreatePostgreSqlStoreAsync();
        var message = Message("tenant-a", "key-1");
        var delivery = PostgreSqlTestData.Delivery(message);
        var result = await store.InsertMessageAsync(message, [delivery]);
        Assert.Equal(new WebhookMessageInsertResult(message.Id, 1, false), result);

        var storedMessage = await store.GetMessageAsync("tenant-a", message.Id);
        Assert.NotNull(storedMessage);
        Assert.Equal(message with { Data = default }, storedMessage with { Data = default });
        Assert.Equal(message.Data.ToArray(), storedMessage.Data.ToArray());
        Assert.Equal(delivery, await store.GetDeliveryAsync("tenant-a", delivery.Id));

        var lease = Assert.Single(await store.ClaimDueDeliveriesAsync(new WebhookClaimRequest("w1", 10, T0, Lease)));
        Assert.Equal(delivery with { LeaseOwner = "w1", FencingToken = 1, NextAttemptAt = T0 + Lease }, lease.Delivery);
        Assert.Equal(message.Data.ToArray(), lease.Message.Data.ToArray());
        Assert.Equal(message.Id, lease.Message.Id);
        Assert.Equal("key-1", lease.Message.IdempotencyKey);

        var failed = Attempt(delivery, 1, WebhookAttemptOutcome.HttpError, 503);
        Assert.True(await store.RecordAttemptAsync(new WebhookAttemptRecord
        {
            DeliveryId = delivery.Id,
            FencingToken = lease.FencingToken,
            Attempt = failed,
            NewStatus = WebhookDeliveryStatus.Pending,
            NextAttemptAt = T0.AddSeconds(5),
        }));
        var afterFailure = await store.GetDeliveryAsync("tenant-a", delivery.Id);
        Assert.Equal(
            delivery with { AttemptCount = 1, NextAttemptAt = T0.AddSeconds(5), FencingToken = 1, LastStatusCode = 503, LastError = "failed 1" },
            afterFailure);

        var failing = await store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = "tenant-a", FailingOnly = true });
        Assert.Equal([delivery.Id], failing.Items.Select(d => d.Id));

        var retry = Assert.Single(await store.ClaimDueDeliveriesAsync(new WebhookClaimRequest("w2", 10, T0.AddSeconds(5), Lease)));
        Assert.Equal(2L, retry.FencingToken);
        var succeeded = Attempt(delivery, 2, WebhookAttemptOutcome.Succeeded, 200) with { IsTest = true };
        Assert.True(await store.RecordAttemptAsync(new WebhookAttemptRecord
        {
            DeliveryId = delivery.Id,
            FencingToken = retry.FencingToken,
            Attempt = succeeded,
            NewStatus = WebhookDeliveryStatus.Succeeded,
        }));

        var final = await store.GetDeliveryAsync("tenant-a", delivery.Id);
        Assert.Equal(WebhookDeliveryStatus.Succeeded, final!.Status);
        Assert.Equal(2, final.AttemptCount);
        Assert.Equal(succeeded.StartedAt + succeeded.Duration, final.CompletedAt);
        Assert.Null(final.LeaseOwner);
        Assert.Equal(200, final.LastStatusCode);
        Assert.Null(final.LastError);
        Assert.Equal([failed, succeeded], await store.GetAttemptsAsync("tenant-a", delivery.Id));
        Assert.Null(await store.GetNextDueTimeAsync());

        // Replay: pending again, attempt count kept, old lease invalidated.
        Assert.True(await store.RequeueDeliveryAsync("tenant-a", delivery.Id, T0.AddMinutes(10)));
        var requeued = await store.GetDeliveryAsync("tenant-a", delivery.Id);
        Assert.Equal(WebhookDeliveryStatus.Pending, requeued!.Status);
        Assert.Equal(2, requeued.AttemptCount);
        Assert.Null(requeued.CompletedAt);
        Assert.Equal(3L, requeued.FencingToken);
        Assert.Equal(T0.AddMinutes(10), await store.GetNextDueTimeAsync());
    }

    [Fact]
    public async Task Release_gives_the_delivery_back_without_counting_an_attempt()
    {
        var store = await fixture.CreatePostgreSqlStoreAsync();
        var message = Message("tenant-a");
        var delivery = PostgreSqlTestData.Delivery(message);
        await store.InsertMessageAsync(message, [delivery]);
        var lease = Assert.Single(await store.ClaimDueDeliveriesAsync(new WebhookClaimRequest("w", 1, T0, Lease)));

        Assert.True(await store.ReleaseLeaseAsync(new WebhookLeaseRelease(delivery.Id, lease.FencingToken, T0.AddSeconds(3))));

        var stored = await store.GetDeliveryAsync("tenant-a", delivery.Id);
        Assert.Equal(delivery with { NextAttemptAt = T0.AddSeconds(3), FencingToken = 1 }, stored);
        Assert.Empty(await store.ClaimDueDeliveriesAsync(new WebhookClaimRequest("w", 1, T0.AddSeconds(2), Lease)));
        Assert.Single(await store.ClaimDueDeliveriesAsync(new WebhookClaimRequest("w", 1, T0.AddSeconds(3), Lease)));
    }

    [Fact]
    public async Task Records_and_releases_report_a_cancelled_token_and_a_disposed_store_through_their_tasks_not_by_throwing()
    {
        var store = await fixture.CreatePostgreSqlStoreAsync();
        var message = Message("tenant-a");
        await store.InsertMessageAsync(message, Deliveries(message, 2));
        var leases = await store.ClaimDueDeliveriesAsync(new WebhookClaimRequest("w", 2, T0, Lease));
        Assert.Equal(2, leases.Count);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        var record = store.RecordAttemptAsync(
            new WebhookAttemptRecord
            {
                DeliveryId = leases[0].Delivery.Id,
                FencingToken = leases[0].FencingToken,
                Attempt = Attempt(leases[0].Delivery, 1, WebhookAttemptOutcome.Succeeded, 200),
                NewStatus = WebhookDeliveryStatus.Succeeded,
            },
            cancelled.Token);
        var release = store.ReleaseLeaseAsync(new WebhookLeaseRelease(leases[0].Delivery.Id, leases[0].FencingToken, T0), cancelled.Token);
        Assert.True(record.IsCanceled);
        Assert.True(release.IsCanceled);
        var untouched = await store.GetDeliveryAsync("tenant-a", leases[0].Delivery.Id);
        Assert.Equal((WebhookDeliveryStatus.Pending, "w"), (untouched!.Status, untouched.LeaseOwner));

        await store.DisposeAsync();
        var late = store.ReleaseLeaseAsync(new WebhookLeaseRelease(leases[1].Delivery.Id, leases[1].FencingToken, T0));
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await late);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Only_a_requeue_that_requeues_something_wakes_workers(bool useNotifications)
    {
        await using var store = new PostgreSqlWebhookStore(new PostgreSqlWebhookStoreOptions
        {
            ConnectionString = fixture.DatabaseConnectionString,
            Schema = fixture.NewSchemaName(),
            UseNotifications = useNotifications,
        });
        var message = Message("tenant-a");
        var delivery = PostgreSqlTestData.Delivery(message);
        await store.InsertMessageAsync(message, [delivery]);
        var channel = store.Schema + "_deliveries";
        await using var listener = new NpgsqlConnection(fixture.DatabaseConnectionString);
        await listener.OpenAsync();
        var received = new ConcurrentQueue<string>();
        listener.Notification += (_, notification) => received.Enqueue(notification.Payload);
        await using (var listen = new NpgsqlCommand($"LISTEN \"{channel}\"", listener))
        {
            await listen.ExecuteNonQueryAsync();
        }

        Assert.False(await store.RequeueDeliveryAsync("tenant-a", "dlv_missing", T0));
        Assert.Equal(0, await store.RequeueDeliveriesAsync(new WebhookRequeueRequest { TenantId = "tenant-a", SubscriptionId = "sub_missing", DueAt = T0, IncludePending = true }));
        Assert.True(await store.RequeueDeliveryAsync("tenant-a", delivery.Id, T0));
        Assert.Equal(1, await store.RequeueDeliveriesAsync(new WebhookRequeueRequest { TenantId = "tenant-a", SubscriptionId = delivery.SubscriptionId, DueAt = T0, IncludePending = true }));

        // Notifications arrive in commit order: everything the store sent comes before this marker.
        await ScalarAsync(fixture.DatabaseConnectionString, $"SELECT pg_notify('{channel}', 'marker')");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!received.Contains("marker"))
        {
            await listener.WaitAsync(timeout.Token);
        }

        Assert.Equal(useNotifications ? ["", "", "marker"] : ["marker"], received);
    }

    [Fact]
    public async Task Idempotency_key_returns_the_first_message_and_writes_nothing()
    {
        var store = await fixture.CreatePostgreSqlStoreAsync();
        var first = Message("tenant-a", "order-42");
        await store.InsertMessageAsync(first, Deliveries(first, 3));

        var again = Message("tenant-a", "order-42");
        var result = await store.InsertMessageAsync(again, Deliveries(again, 5));

        Assert.Equal(new WebhookMessageInsertResult(first.Id, 3, true), result);
        Assert.Null(await store.GetMessageAsync("tenant-a", again.Id));
        Assert.Equal(3, (await store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = "tenant-a" })).Items.Count);

        var otherTenant = Message("tenant-b", "order-42");
        Assert.False((await store.InsertMessageAsync(otherTenant, Deliveries(otherTenant, 1))).IsDuplicate);
        var withoutKey = Message("tenant-a");
        Assert.False((await store.InsertMessageAsync(withoutKey, [])).IsDuplicate);
        Assert.False((await store.InsertMessageAsync(Message("tenant-a"), [])).IsDuplicate);
    }

    [Fact]
    public async Task Concurrent_publishes_with_one_idempotency_key_store_one_message()
    {
        var store = await fixture.CreatePostgreSqlStoreAsync();
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            var message = Message("tenant-a", "same-key");
            return await store.InsertMessageAsync(message, Deliveries(message, 2));
        })));

        Assert.Single(results, r => !r.IsDuplicate);
        Assert.Single(results.Select(r => r.MessageId).Distinct());
        Assert.All(results, r => Assert.Equal(2, r.DeliveryCount));
    }

    [Fact]
    public async Task Reads_and_writes_are_scoped_to_the_tenant()
    {
        var store = await fixture.CreatePostgreSqlStoreAsync();
        var subscription = Subscription("tenant-a");
        await store.CreateSubscriptionAsync(subscription);
        var version = await store.GetSubscriptionVersionAsync();

        var stored = await store.GetSubscriptionAsync("tenant-a", subscription.Id);
        Assert.NotNull(stored);
        Assert.Equal(subscription.Id, stored.Id);
        Assert.Equal(subscription.Url, stored.Url);
        Assert.Equal(subscription.Secrets[0].Secret, stored.Secrets[0].Secret);
        Assert.Equal(subscription.Headers, stored.Headers);

        Assert.Null(await store.GetSubscriptionAsync("tenant-b", subscription.Id));
        Assert.Empty((await store.ListSubscriptionsAsync("tenant-b", new WebhookSubscriptionQuery())).Items);
        Assert.Empty(await store.GetTenantSubscriptionsAsync("tenant-b"));
        Assert.False(await store.UpdateSubscriptionAsync(subscription with { TenantId = "tenant-b", Description = "hijack" }));
        Assert.False(await store.DeleteSubscriptionAsync("tenant-b", subscription.Id));
        Assert.Equal(version, await store.GetSubscriptionVersionAsync());
        Assert.Equal("test", (await store.GetSubscriptionAsync("tenant-a", subscription.Id))!.Description);

        var message = Message("tenant-a");
        var delivery = PostgreSqlTestData.Delivery(message, subscription.Id);
        await store.InsertMessageAsync(message, [delivery]);
        Assert.Null(await store.GetMessageAsync("tenant-b", message.Id));
        Assert.Null(await store.GetDeliveryAsync("tenant-b", delivery.Id));
        Assert.Empty((await store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = "tenant-b" })).Items);
        Assert.False(await store.RequeueDeliveryAsync("tenant-b", delivery.Id, T0));

        Assert.True(await store.UpdateSubscriptionAsync(subscription with { State = WebhookSubscriptionState.Paused }));
        Assert.Equal(WebhookSubscriptionState.Paused, (await store.GetSubscriptionAsync("tenant-a", subscription.Id))!.State);
        Assert.True(await store.DeleteSubscriptionAsync("tenant-a", subscription.Id));
        Assert.Null(await store.GetSubscriptionAsync("tenant-a", subscription.Id));
        Assert.Equal(version + 2, await store.GetSubscriptionVersionAsync());
        Assert.NotNull(await store.GetDeliveryAsync("tenant-a", delivery.Id));
    }

    [Fact]
    public async Task Creating_a_subscription_twice_fails()
    {
        var store = await fixture.CreatePostgreSqlStoreAsync();
        var subscription = Subscription("tenant-a");
        await store.CreateSubscriptionAsync(subscription);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await store.CreateSubscriptionAsync(subscription));
    }

    [Fact]
    public async Task Subscription_listing_pages_in_id_order_and_filters_by_event_and_state()
    {
        var store = await fixture.CreatePostgreSqlStoreAsync();
        await store.CreateSubscriptionAsync(Subscription("t", "sub_a", "booking.*"));
        await store.CreateSubscriptionAsync(Subscription("t", "sub_b", "chore.created"));
        await store.CreateSubscriptionAsync(Subscription("t", "sub_c", "*") with { State = WebhookSubscriptionState.Disabled });
        await store.CreateSubscriptionAsync(Subscription("t", "sub_d", "booking.created", "chore.deleted"));

        var page1 = await store.ListSubscriptionsAsync("t", new WebhookSubscriptionQuery { Limit = 3 });
        Assert.Equal(["sub_a", "sub_b", "sub_c"], page1.Items.Select(s => s.Id));
        Assert.NotNull(page1.ContinuationToken);
        var page2 = await store.ListSubscriptionsAsync("t", new WebhookSubscriptionQuery { Limit = 3, ContinuationToken = page1.ContinuationToken });
        Assert.Equal(["sub_d"], page2.Items.Select(s => s.Id));
        Assert.Null(page2.ContinuationToken);

        var booking = await store.ListSubscriptionsAsync("t", new WebhookSubscriptionQuery { EventType = "booking.created" });
        Assert.Equal(["sub_a", "sub_c", "sub_d"], booking.Items.Select(s => s.Id));
        var active = await store.ListSubscriptionsAsync("t", new WebhookSubscriptionQuery { EventType = "chore.deleted", State = WebhookSubscriptionState.Active });
        Assert.Equal(["sub_d"], active.Items.Select(s => s.Id));
        Assert.Equal(4, (await store.GetTenantSubscriptionsAsync("t")).Count);
    }

    [Fact]
    public async Task Delivery_log_pages_newest_first()
    {
        var store = await fixture.CreatePostgreSqlStoreAsync();
        var message = Message("t");
        var deliveries = Enumerable.Range(0, 5).Select(i => PostgreSqlTestData.Delivery(message) with { CreatedAt = T0.AddMilliseconds(i) }).ToArray();
        await store.InsertMessageAsync(message, deliveries);

        var seen = new List<string>();
        string? token = null;
        do
        {
            var page = await store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = "t", Limit = 2, ContinuationToken = token });
            seen.AddRange(page.Items.Select(d => d.Id));
            token = page.ContinuationToken;
        }
        while (token is not null);

        Assert.Equal(deliveries.Reverse().Select(d => d.Id), seen);
        var window = await store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = "t", CreatedFrom = T0.AddMilliseconds(1), CreatedBefore = T0.AddMilliseconds(3) });
        Assert.Equal([deliveries[2].Id, deliveries[1].Id], window.Items.Select(d => d.Id));
        await Assert.ThrowsAsync<ArgumentException>(async () =>
            await store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = "t", ContinuationToken = "not-a-token" }));
    }

    [Fact]
    public async Task A_waiter_on_another_store_is_woken_by_an_insert()
    {
        var schema = fixture.NewSchemaName();
        var publisher = await fixture.CreatePostgreSqlStoreAsync(schema);
        var worker = await fixture.CreatePostgreSqlStoreAsync(schema);
        await worker.StartListeningAsync(CancellationToken.None);

        Assert.False(await worker.WaitForNotificationAsync(TimeSpan.FromMilliseconds(100), CancellationToken.None));
        var wait = worker.WaitForNotificationAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
        Assert.False(wait.IsCompleted);

        var message = Message("tenant-a");
        await publisher.InsertMessageAsync(message, [PostgreSqlTestData.Delivery(message)]);

        Assert.True(await wait, "The waiter timed out instead of being woken by the notification.");
    }

    [Fact]
    public async Task A_failed_insert_leaves_nothing_behind()
    {
        var schema = fixture.NewSchemaName();
        var store = await fixture.CreatePostgreSqlStoreAsync(schema);
        var listener = await fixture.CreatePostgreSqlStoreAsync(schema);
        await listener.StartListeningAsync(CancellationToken.None);

        var message = Message("tenant-a", "rollback-key");
        var duplicate = PostgreSqlTestData.Delivery(message);
        await Assert.ThrowsAsync<PostgresException>(async () => await store.InsertMessageAsync(message, [PostgreSqlTestData.Delivery(message), duplicate, duplicate]));

        Assert.Null(await store.GetMessageAsync("tenant-a", message.Id));
        Assert.Empty((await store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = "tenant-a" })).Items);
        Assert.Null(await store.GetNextDueTimeAsync());
        Assert.False(await listener.WaitForNotificationAsync(TimeSpan.FromMilliseconds(300), CancellationToken.None));

        // The key was not taken by the failed insert.
        var retry = await store.InsertMessageAsync(message, [PostgreSqlTestData.Delivery(message)]);
        Assert.False(retry.IsDuplicate);
    }

    [Fact]
    public async Task Times_are_truncated_to_microseconds_and_come_back_in_utc()
    {
        var store = await fixture.CreatePostgreSqlStoreAsync();
        var local = new DateTimeOffset(2026, 3, 1, 9, 30, 0, TimeSpan.FromHours(2)).AddTicks(12_345_678);
        var message = Message("t") with { Timestamp = local };
        await store.InsertMessageAsync(message, []);

        var stored = await store.GetMessageAsync("t", message.Id);
        Assert.Equal(local.AddTicks(-8), stored!.Timestamp);
        Assert.Equal(TimeSpan.Zero, stored.Timestamp.Offset);
    }

    [Fact]
    public async Task The_backlog_sample_counts_dead_letters_from_their_own_index_not_from_every_completed_delivery()
    {
        var schema = fixture.NewSchemaName();
        var store = await fixture.CreatePostgreSqlStoreAsync(schema);
        await using var connection = new NpgsqlConnection(fixture.DatabaseConnectionString);
        await connection.OpenAsync();
        // A delivery log of 20,000 succeeded deliveries and 3 dead letters, all completed in the sample's window.
        await SeedCompletedLogAsync(connection, schema);

        await using var explain = new NpgsqlCommand("EXPLAIN " + store.BacklogSql, connection);
        explain.Parameters.AddWithValue("since", DateTimeOffset.UtcNow.AddDays(-1));
        var plan = new List<string>();
        await using (var reader = await explain.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetString(0));
            }
        }

        Assert.Contains(plan, line => line.Contains("deliveries_dead_idx", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, line => line.Contains("Seq Scan on deliveries", StringComparison.Ordinal));
        Assert.Equal(new WebhookBacklog(0, null, 3), await store.GetBacklogAsync(DateTimeOffset.UtcNow.AddDays(-1)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public async Task A_purge_with_little_to_delete_reads_index_ranges_not_the_delivery_log(int overrides)
    {
        var schema = fixture.NewSchemaName();
        var store = await fixture.CreatePostgreSqlStoreAsync(schema);
        await using var connection = new NpgsqlConnection(fixture.DatabaseConnectionString);
        await connection.OpenAsync();
        await SeedCompletedLogAsync(connection, schema);

        // Nothing is old enough to purge: the last call of every retention run.
        var longAgo = DateTimeOffset.UtcNow.AddDays(-30);
        await using var explain = new NpgsqlCommand("EXPLAIN " + store.PurgeSql(overrides), connection);
        explain.Parameters.AddWithValue("s", longAgo);
        explain.Parameters.AddWithValue("f", longAgo);
        explain.Parameters.AddWithValue("batch", 1000);
        for (var i = 0; i < overrides; i++)
        {
            explain.Parameters.AddWithValue($"t{i}", $"type.{i}");
            explain.Parameters.AddWithValue($"s{i}", longAgo);
            explain.Parameters.AddWithValue($"f{i}", longAgo);
        }

        var plan = new List<string>();
        await using (var reader = await explain.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetString(0));
            }
        }

        Assert.DoesNotContain(plan, line => line.Contains("Seq Scan on deliveries", StringComparison.Ordinal));
        Assert.Contains(plan, line => line.Contains("deliveries_completed_idx", StringComparison.Ordinal) || line.Contains("deliveries_dead_idx", StringComparison.Ordinal));
    }

    /// <summary>A delivery log of 20,000 succeeded deliveries and 3 dead letters, all completed now, analysed.</summary>
    private static async Task SeedCompletedLogAsync(NpgsqlConnection connection, string schema)
    {
        await using var seed = new NpgsqlCommand(
            $"""
            INSERT INTO "{schema}".messages (id, tenant_id, event_type, ts, data) VALUES ('msg_1', 'tenant-a', 'order.created', now(), '\x7b7d');
            INSERT INTO "{schema}".deliveries (id, tenant_id, message_id, subscription_id, event_type, status, attempt_count, next_attempt_at, created_at, completed_at, fencing_token)
            SELECT 'dlv_' || i, 'tenant-a', 'msg_1', 'sub_1', 'order.created', CASE WHEN i <= 3 THEN 2 ELSE 1 END, 1, now(), now(), now(), 1
            FROM generate_series(1, 20000) i;
            ANALYZE "{schema}".deliveries;
            """,
            connection);
        await seed.ExecuteNonQueryAsync();
    }

    private static async Task<object?> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}
