using System.Diagnostics.Metrics;
using Choreblimey.Webhooks.Testing;
using Choreblimey.Webhooks.Testing.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Choreblimey.Webhooks.Outbox.Tests;

/// <summary>
/// The outbox guarantees, run against a real database for each way of publishing inside a transaction: the event exists
/// (and is delivered) if and only if the business write commits.
/// </summary>
public abstract class OutboxScenarios : IAsyncLifetime
{
    protected const string Tenant = "t1";
    protected const string EventType = "invoice.created";

    /// <summary>A second declared event type, for an idempotency key reused across types.</summary>
    protected const string OtherEventType = "invoice.voided";

    /// <summary>
    /// How long a test waits for a delivery, in real time. The hosts' clock is a <see cref="WebhookTestClock"/> that is never
    /// advanced, so the worker's poll never fires: only a wake-up (the commit's, or the worker's start) sends anything, and a
    /// delivery seen at all proves it, whatever the wait.
    /// </summary>
    private static readonly TimeSpan WakeBound = TimeSpan.FromSeconds(30);

    private readonly List<IHost> _hosts = [];

    protected LoopbackReceiver Receiver { get; private set; } = null!;

    public async Task InitializeAsync() => Receiver = await LoopbackReceiver.StartAsync();

    public virtual async Task DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await StopAsync(host);
        }

        await Receiver.DisposeAsync();
    }

    /// <summary>Makes a fresh, empty database and returns how to reach it (a connection string or a file path).</summary>
    protected abstract Task<string> NewDatabaseAsync();

    /// <summary>Chooses the store (and registers the host's DbContext, for EF Core).</summary>
    protected abstract void Configure(IWebhooksBuilder webhooks, IServiceCollection services, string database);

    /// <summary>Creates the business table.</summary>
    protected abstract Task CreateBusinessTableAsync(IServiceProvider services, string database);

    /// <summary>Writes an invoice and publishes <c>invoice.created</c> in one transaction that ends as told.</summary>
    /// <returns>How many connections the host opened for it.</returns>
    protected abstract Task<int> WriteInvoiceAsync(IServiceProvider services, string database, string invoiceId, Ending ending);

    /// <summary>Counts rows of a business table or of the store's messages table (<c>messages</c>) on a fresh connection.</summary>
    protected abstract Task<long> CountAsync(string database, string table);

    /// <summary>A counter that moves whenever the store opens a connection or writes on its own (not the host's) connection.</summary>
    protected abstract long StoreActivity(IServiceProvider services);

    /// <summary>Called once a host with a worker has started (PostgreSQL waits until LISTEN is in place).</summary>
    protected virtual Task OnWorkerStartedAsync(IServiceProvider services) => Task.CompletedTask;

    /// <summary>Gets the crash harness's <c>--store</c> for this database: <c>sqlite</c> or <c>postgres</c>.</summary>
    protected abstract string HarnessStore { get; }

    /// <summary>Gets the crash harness's <c>--outbox</c> for this way of publishing: <c>ado</c> or <c>efcore</c>.</summary>
    protected abstract string HarnessOutbox { get; }

    [Theory]
    [InlineData(Ending.Commit)]
    [InlineData(Ending.CommitExplicit)]
    public async Task A_committed_event_is_delivered_and_the_commit_wakes_the_worker(Ending ending)
    {
        var database = await NewDatabaseAsync();
        var host = await StartHostAsync(database, worker: true, subscribe: true);

        await WriteInvoiceAsync(host.Services, database, "inv_commit", ending);

        await Receiver.WaitForCountAsync(1, WakeBound);
        Assert.Contains("inv_commit", Receiver.Received.Single().BodyText, StringComparison.Ordinal);
        Assert.Equal(1, await CountAsync(database, "invoices"));
        Assert.Equal(1, await CountAsync(database, "messages"));
    }

    [Theory]
    [InlineData(Ending.Rollback)]
    [InlineData(Ending.Throw)]
    public async Task A_rolled_back_or_abandoned_transaction_stores_and_sends_nothing(Ending ending)
    {
        var database = await NewDatabaseAsync();
        var host = await StartHostAsync(database, worker: true, subscribe: true);

        if (ending == Ending.Throw)
        {
            await Assert.ThrowsAsync<SimulatedFailureException>(() => WriteInvoiceAsync(host.Services, database, "inv_lost", ending));
        }
        else
        {
            await WriteInvoiceAsync(host.Services, database, "inv_lost", ending);
        }

        Assert.Equal(0, await CountAsync(database, "invoices"));
        Assert.Equal(0, await CountAsync(database, "messages"));
        var store = host.Services.GetRequiredService<IWebhookStore>();
        Assert.Empty((await store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = Tenant })).Items);

        // The worker is alive: the next committed invoice is the only thing it ever sends.
        await WriteInvoiceAsync(host.Services, database, "inv_kept", Ending.CommitExplicit);
        await Receiver.WaitForCountAsync(1, WakeBound);
        // Only the kept invoice's event was ever stored, so nothing else can be sent.
        Assert.Equal(1, await CountAsync(database, "messages"));
        var received = Assert.Single(Receiver.Received);
        Assert.Contains("inv_kept", received.BodyText, StringComparison.Ordinal);
        Assert.DoesNotContain("inv_lost", received.BodyText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_event_committed_before_the_worker_ran_is_delivered_after_a_restart()
    {
        var database = await NewDatabaseAsync();
        var first = await StartHostAsync(database, worker: false, subscribe: true);
        await WriteInvoiceAsync(first.Services, database, "inv_crash", Ending.Commit);
        await StopAsync(first);
        _hosts.Remove(first);
        Assert.Empty(Receiver.Received);

        await StartHostAsync(database, worker: true, subscribe: false);

        await Receiver.WaitForCountAsync(1, WakeBound);
        Assert.Contains("inv_crash", Receiver.Received.Single().BodyText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_event_committed_by_a_process_killed_before_its_worker_ran_is_delivered_by_the_next_host()
    {
        var database = await NewDatabaseAsync();
        // The subscription, the store's tables and the business table exist before the committing process starts.
        var setup = await StartHostAsync(database, worker: false, subscribe: true);
        await StopAsync(setup);
        _hosts.Remove(setup);
        var ackFile = Path.Combine(Path.GetTempPath(), "choreblimey-outbox-ack-" + Guid.NewGuid().ToString("N")[..12] + ".txt");
        try
        {
            // A separate process commits the invoice and its webhook in one transaction, never starts its worker, writes
            // the ack only after the commit returned, and is killed with SIGKILL: no shutdown code of the library runs.
            await using (var committer = CrashHarnessProcess.Start(
                "committer",
                "outbox-commit", "--store", HarnessStore, "--outbox", HarnessOutbox, "--connection", database,
                "--tenant", Tenant, "--invoice", "inv_killed", "--ack-file", ackFile))
            {
                await committer.WaitForLineAsync("committed", TimeSpan.FromSeconds(90));
                await committer.KillAsync();
            }

            var ack = File.ReadAllText(ackFile).Split(' ', '\n');
            Assert.Equal("inv_killed", ack[0]);
            Assert.Equal(1, await CountAsync(database, "invoices"));
            Assert.Equal(1, await CountAsync(database, "messages"));
            Assert.Empty(Receiver.Received);

            // A new host on the same database: its worker finds the committed delivery and sends it.
            var host = await StartHostAsync(database, worker: true, subscribe: false);
            await Receiver.WaitForCountAsync(1, WakeBound);
            var received = Assert.Single(Receiver.Received);
            Assert.Contains("inv_killed", received.BodyText, StringComparison.Ordinal);
            var delivery = Assert.Single((await host.Services.GetRequiredService<IWebhookStore>().QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = Tenant })).Items);
            Assert.Equal(delivery.MessageId, received.WebhookId);
            if (ack[1] != "-")
            {
                // ADO.NET publishing returned the event id before the commit; it is the id the receiver got.
                Assert.Equal(ack[1], received.WebhookId);
            }
        }
        finally
        {
            File.Delete(ackFile);
        }
    }

    [Fact]
    public async Task The_webhook_is_written_with_the_hosts_connection_only()
    {
        var database = await NewDatabaseAsync();
        var host = await StartHostAsync(database, worker: false, subscribe: true);

        // Warm the routing cache, as any earlier publish would; routing may read subscriptions through the store.
        await host.Services.GetRequiredService<IWebhookOutbox>().PrepareAsync(EventType, new { }, new WebhookPublishOptions { TenantId = Tenant });
        var before = StoreActivity(host.Services);

        var opens = await WriteInvoiceAsync(host.Services, database, "inv_one_connection", Ending.Commit);

        Assert.Equal(1, opens);
        Assert.Equal(before, StoreActivity(host.Services));
        Assert.Equal(1, await CountAsync(database, "messages"));
    }

    [Fact]
    public async Task A_written_event_is_counted_once_as_published()
    {
        var database = await NewDatabaseAsync();
        var host = await StartHostAsync(database, worker: false, subscribe: true);
        var published = new List<(long Value, string? EventType, object? HasDeliveries)>();
        using var listener = new MeterListener();
        var factory = host.Services.GetRequiredService<IMeterFactory>();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, factory) && instrument.Name == "webhooks.events.published")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            string? eventType = null;
            object? hasDeliveries = null;
            foreach (var tag in tags)
            {
                eventType = tag.Key == "event.type" ? tag.Value as string : eventType;
                hasDeliveries = tag.Key == "has_deliveries" ? tag.Value : hasDeliveries;
            }

            lock (published)
            {
                published.Add((value, eventType, hasDeliveries));
            }
        });
        listener.Start();

        await WriteInvoiceAsync(host.Services, database, "inv_counted", Ending.Commit);

        Assert.Equal(1, await CountAsync(database, "messages"));
        Assert.Equal((1L, EventType, (object?)true), Assert.Single(published));
    }

    /// <summary>
    /// Runs a scenario written once for several ways of publishing (xunit 2 facts cannot be shared otherwise) on a fresh
    /// database, with a subscribed host whose worker is not started; the scenario counts a table's rows with the function.
    /// </summary>
    protected async Task RunOnNewHostAsync(Func<IServiceProvider, Func<string, Task<long>>, Task> scenario)
    {
        var database = await NewDatabaseAsync();
        var host = await StartHostAsync(database, worker: false, subscribe: true);
        await scenario(host.Services, table => CountAsync(database, table));
    }

    protected static WebhookPublishOptions PublishOptions(string invoiceId) => new() { TenantId = Tenant, Actor = "user_1", IdempotencyKey = "invoice:" + invoiceId };

    protected async Task<IHost> StartHostAsync(string database, bool worker, bool subscribe)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var webhooks = builder.Services
            .AddWebhooks(options =>
            {
                options.Retry.UseSchedule(TimeSpan.Zero, TimeSpan.FromMilliseconds(50));
                options.Retry.JitterFactor = 0;
                options.AttemptTimeout = TimeSpan.FromSeconds(5);
                options.CircuitBreaker.Enabled = false;
            })
            .AddEvent(EventType, "Invoices", "An invoice was created.")
            .AddEvent(OtherEventType, "Invoices", "An invoice was voided.")
            .AllowLoopback();
        // Frozen at the host's start, after anything an earlier host or process committed, so that is due on it.
        builder.Services.AddSingleton<TimeProvider>(new WebhookTestClock(DateTimeOffset.UtcNow));
        Configure(webhooks, builder.Services, database);
        var host = builder.Build();
        _hosts.Add(host);
        if (subscribe)
        {
            // Creating the subscription also lets the store create its tables, outside any host transaction.
            await host.Services.GetRequiredService<IWebhookSubscriptionManager>().CreateAsync(
                Tenant,
                new WebhookSubscriptionRequest { Url = Receiver.Url().ToString(), EventTypes = ["invoice.*"] });
            await CreateBusinessTableAsync(host.Services, database);
        }

        if (worker)
        {
            await host.StartAsync();
            await OnWorkerStartedAsync(host.Services);
        }

        return host;
    }

    private static async Task StopAsync(IHost host)
    {
        try
        {
            await host.StopAsync();
        }
        finally
        {
            if (host is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }
            else
            {
                host.Dispose();
            }
        }
    }
}
