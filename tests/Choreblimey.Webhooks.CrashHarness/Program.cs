using System.Text;
using Choreblimey.Webhooks;
using Choreblimey.Webhooks.CrashHarness;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// A host that publishes to a durable store and delivers, for the crash tests: they SIGKILL it mid-run and start it again.
// Each event id is appended to the ack file (one line, handed to the OS at once) only after PublishAsync returned, so the
// ack file lists exactly the events the library promised to deliver.
// In outbox-commit mode it instead commits one business row and its webhook through the outbox, acknowledges the commit and
// idles without ever starting its worker, so the test can kill it between the commit and any delivery.
HarnessArguments arguments;
try
{
    arguments = HarnessArguments.Parse(args);
}
catch (Exception exception) when (exception is ArgumentException or FormatException or OverflowException)
{
    Console.Error.WriteLine(exception.Message);
    Console.Error.WriteLine(HarnessArguments.Usage);
    return 2;
}

const string EventName = "crash:published";

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [] });
builder.Logging.SetMinimumLevel(LogLevel.Warning);
var webhooks = builder.Services
    .AddWebhooks(options =>
    {
        options.WorkerId = arguments.WorkerId;
        options.MaxConcurrentDeliveries = arguments.Concurrency;
        options.ClaimBatchSize = arguments.Concurrency;
        // The shortest lease the options accept (it must outlast the 60 s subscription timeout limit): after a kill, the
        // dead process's leases lapse this long after they were taken.
        options.LeaseDuration = TimeSpan.FromSeconds(61);
        options.AttemptTimeout = TimeSpan.FromSeconds(30);
        options.PollInterval = TimeSpan.FromMilliseconds(200);
        options.Retry.UseSchedule(TimeSpan.Zero, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        options.Retry.JitterFactor = 0;
        options.CircuitBreaker.Enabled = false;
    })
    .AddEvent(EventName, "Crash", "An event published by the crash harness.")
    .AddEvent(OutboxCommitter.EventType, "Invoices", "An invoice was created (outbox-commit mode).")
    .AllowLoopback()
    .ConfigureHttpClient(client => client.AddHttpMessageHandler(() => new WorkerTagHandler(arguments.WorkerId)));
if (arguments.Store == "sqlite")
{
    webhooks.UseSqliteStore(arguments.Connection);
}
else
{
    webhooks.UsePostgreSqlStore(arguments.Connection);
}

if (arguments.Outbox == "efcore")
{
    builder.Services.AddDbContext<HarnessInvoiceContext>((services, options) =>
        (arguments.Store == "sqlite"
            ? options.UseSqlite(OutboxCommitter.SqliteConnectionString(arguments.Connection))
            : options.UseNpgsql(arguments.Connection))
        .UseWebhooksOutbox(services));
}

using var host = builder.Build();
if (arguments.Mode == HarnessMode.OutboxCommit)
{
    // The host is never started: no worker runs in this process, so the committed event can only be delivered by another.
    var eventId = await OutboxCommitter.CommitAsync(host.Services, arguments, CancellationToken.None);
    await using (var ack = new FileStream(arguments.AckFile!, FileMode.Append, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0))
    {
        ack.Write(Encoding.UTF8.GetBytes($"{arguments.Invoice} {eventId ?? "-"}\n"));
    }

    Console.WriteLine($"committed {arguments.Invoice}");
    await Task.Delay(arguments.RunFor);
    Console.WriteLine($"not killed within {arguments.RunFor.TotalSeconds} s");
    return 5;
}

await host.StartAsync();
var store = host.Services.GetRequiredService<IWebhookStore>();
var publisher = host.Services.GetRequiredService<IWebhookPublisher>();
Console.WriteLine($"ready {arguments.WorkerId}");

if (arguments.Publish)
{
    // No buffering: each line reaches the OS in one write as soon as PublishAsync has returned, so it survives SIGKILL.
    await using var ack = new FileStream(arguments.AckFile!, FileMode.Append, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
    for (var i = 0; i < arguments.Count; i++)
    {
        var receipt = await publisher.PublishAsync(EventName, new HarnessPayload(i, arguments.WorkerId), tenantId: arguments.Tenant);
        if (!receipt.IsStored || receipt.EventId is null || receipt.DeliveryCount != 1)
        {
            Console.Error.WriteLine($"publish {i} was not stored as one delivery: {receipt}");
            return 3;
        }

        ack.Write(Encoding.UTF8.GetBytes(receipt.EventId + "\n"));
    }

    Console.WriteLine($"published {arguments.Count}");
}

using var runFor = new CancellationTokenSource(arguments.RunFor);
var exitCode = 0;
try
{
    if (arguments.ExitWhenDrained)
    {
        // Leased deliveries are still pending, so "nothing due, ever" means every delivery has settled.
        while (await store.GetNextDueTimeAsync(runFor.Token) is not null)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(250), runFor.Token);
        }

        Console.WriteLine("drained");
    }
    else
    {
        await Task.Delay(Timeout.InfiniteTimeSpan, runFor.Token);
    }
}
catch (OperationCanceledException) when (runFor.IsCancellationRequested)
{
    Console.WriteLine($"ran for {arguments.RunFor.TotalSeconds} s");
    exitCode = arguments.ExitWhenDrained ? 4 : 0;
}

using (var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
{
    await host.StopAsync(stopping.Token);
}

return exitCode;
