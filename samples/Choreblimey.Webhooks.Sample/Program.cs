using Choreblimey.Webhooks;
using Choreblimey.Webhooks.Sample;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// Choreblimey's webhook sample: publish a burst of chore events for two families, deliver them through the durable
// SQLite store (by default) to a receiver that verifies every signature, and print what happened.
SampleArguments arguments;
try
{
    arguments = SampleArguments.Parse(args);
}
catch (ArgumentException exception)
{
    Console.Error.WriteLine(exception.Message);
    Console.Error.WriteLine(SampleArguments.Usage);
    return 2;
}

if (arguments.Help)
{
    Console.WriteLine(SampleArguments.Usage);
    return 0;
}

string[] families = ["family-ava", "family-ben"];
await using var receiver = arguments.Url is null ? await SampleReceiver.StartAsync() : null;

var builder = Host.CreateApplicationBuilder();
builder.Logging.SetMinimumLevel(LogLevel.Warning);
// The receiver fails some first attempts on purpose; the summary reports them, so only errors are logged.
builder.Logging.AddFilter("Choreblimey.Webhooks", LogLevel.Error);
var webhooks = builder.Services
    .AddWebhooks(options =>
    {
        // Seconds instead of the production schedule (up to 10 h) so the retries show while you watch.
        options.Retry.UseSchedule(TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10));
        options.PollInterval = TimeSpan.FromMilliseconds(250);
        options.AttemptTimeout = TimeSpan.FromSeconds(10);
    })
    .AddChoreblimeyEvents()
    // The built-in receiver is plain http on 127.0.0.1, which the address guard refuses unless a host admits it.
    .AllowLoopback();
if (arguments.Url is { } userUrl && userUrl.StartsWith("http:", StringComparison.OrdinalIgnoreCase))
{
    // A demo against your own plain-http receiver; production subscriptions should be https.
    webhooks.Configure(options => options.Security.AllowHttp = true);
}

SampleStores.Use(webhooks, arguments);

using var host = builder.Build();
var manager = host.Services.GetRequiredService<IWebhookSubscriptionManager>();
var store = host.Services.GetRequiredService<IWebhookStore>();
var publisher = host.Services.GetRequiredService<IWebhookPublisher>();
var runStartedAt = TimeProvider.System.GetUtcNow();

// One subscription per family, reused across runs so a restart with --count 0 delivers what the last run left pending.
foreach (var family in families)
{
    var url = arguments.Url ?? receiver!.UrlFor(family).ToString();
    WebhookSubscription subscription;
    try
    {
        subscription = await SampleSubscriptions.EnsureAsync(manager, family, url, arguments.Secret);
    }
    catch (WebhookValidationException exception)
    {
        // A --url the library refuses (not absolute, not https, a blocked address): a usage error, named precisely.
        Console.Error.WriteLine(exception.Message);
        Console.Error.WriteLine(SampleArguments.Usage);
        return 2;
    }

    receiver?.TrustSecrets(family, [.. subscription.Secrets.Select(s => s.Secret)]);
    Console.WriteLine($"Subscribed {family} → {url} ({subscription.Id})");
    if (arguments.Url is not null && arguments.Secret is null)
    {
        Console.WriteLine($"  signing secret for {family}: {subscription.Secrets[0].Secret.Reveal()}");
    }
}

var recovered = await SampleSubscriptions.PendingDeliveryIdsAsync(store, families);
if (recovered.Count > 0)
{
    Console.WriteLine($"Found {recovered.Count} deliveries still pending from an earlier run; delivering them too.");
    Console.WriteLine("  (any that a killed run had in flight keep its lease and are retried when it lapses, within 2 minutes)");
}

// The worker starts only now, after the subscriptions point at this run's receiver.
await host.StartAsync();

var random = new Random(42);
for (var i = 0; i < arguments.Count; i++)
{
    var family = families[i % families.Length];
    var (eventType, _, _) = ChoreblimeyEvents.All[i % ChoreblimeyEvents.All.Length];
    var payload = new SampleEventData(
        Sequence: i,
        EntityId: $"{eventType.Split(':')[0]}-{i:D5}",
        Stars: random.Next(1, 20));
    // The one line a host adds next to its WebSocket emit.
    await publisher.PublishAsync(eventType, payload, tenantId: family, actor: "parent-1");
    if ((i + 1) % Math.Max(1, arguments.Count / 5) == 0 || i + 1 == arguments.Count)
    {
        Console.WriteLine($"Published {i + 1}/{arguments.Count}");
    }
}

var summary = await SampleProgress.WaitForSettleAsync(store, families, runStartedAt, recovered, TimeSpan.FromMinutes(3));
using (var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
{
    await host.StopAsync(stopping.Token);
}

Console.WriteLine();
Console.WriteLine("Summary");
Console.WriteLine($"  store:          {SampleStores.Describe(arguments)}");
Console.WriteLine($"  published:      {arguments.Count}");
Console.WriteLine($"  deliveries:     {summary.Total} ({recovered.Count} recovered from an earlier run)");
Console.WriteLine($"  delivered:      {summary.Succeeded}");
Console.WriteLine($"  retried:        {summary.Retried}");
Console.WriteLine($"  dead-lettered:  {summary.DeadLettered}");
Console.WriteLine($"  still pending:  {summary.Pending}");
if (receiver is not null)
{
    Console.WriteLine($"  verified:       {summary.CountVerified(receiver)} (signatures rejected: {receiver.Rejected}, first attempts failed on purpose: {receiver.FailedOnPurpose})");
}
else
{
    Console.WriteLine("  verified:       by your receiver");
}

var ok = summary.Pending == 0 && summary.DeadLettered == 0 && summary.Succeeded == summary.Total
    && (receiver is null || (summary.CountVerified(receiver) == summary.Total && receiver.Rejected == 0));
Console.WriteLine(ok ? "OK: every event was delivered" + (receiver is null ? "." : " and verified.") : "FAILED: not every event was delivered and verified.");
return ok ? 0 : 1;
