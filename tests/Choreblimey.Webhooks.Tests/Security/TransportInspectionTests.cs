using Choreblimey.Webhooks.Security;
using Choreblimey.Webhooks.Testing.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Choreblimey.Webhooks.Tests.Security;

/// <summary>
/// Whether deliveries go through the address guard, read from the delivery client's handler chain: a host that replaces
/// the primary handler is warned at start that the guard is gone, and a URL holding a blocked address is refused at
/// registration only while the guard would refuse it at send time. No test here sends a request.
/// </summary>
public sealed class TransportInspectionTests : IDisposable
{
    private const string Tenant = "family-1";
    private const string BlockedUrl = "https://10.0.0.5/hooks";
    private readonly CapturingLoggerProvider _logs = new();

    public void Dispose() => _logs.Dispose();

    private Task<WebhookTestHost> StartHostAsync(Action<IWebhooksBuilder> configure) =>
        WebhookTestHost.StartAsync(
            webhooks => configure(webhooks.AddEvent("chore:created", "Chores")),
            services => services.AddLogging(logging => logging.AddProvider(_logs)),
            allowLoopback: false);

    private IEnumerable<string> GuardWarnings => _logs.Entries.Where(entry => entry.Contains("primary handler", StringComparison.Ordinal));

    private static ValueTask<WebhookSubscription> SubscribeAsync(WebhookTestHost host, string url) =>
        host.Subscriptions.CreateAsync(Tenant, new WebhookSubscriptionRequest { Url = url, EventTypes = ["*"] });

    [Fact]
    public async Task The_library_handler_is_guarded_and_a_blocked_address_is_refused_at_registration()
    {
        await using var host = await StartHostAsync(static _ => { });

        Assert.Equal(WebhookTransportKind.Guarded, host.Services.GetRequiredService<WebhookTransportInspector>().Kind);
        var exception = await Assert.ThrowsAsync<WebhookValidationException>(async () => await SubscribeAsync(host, BlockedUrl));
        Assert.StartsWith("The webhook URL's address 10.0.0.5 (private network 10.0.0.0/8) is refused by the address guard", exception.Message, StringComparison.Ordinal);
        Assert.Empty(GuardWarnings);
    }

    [Fact]
    public async Task Configuring_the_library_handler_in_place_keeps_the_guard()
    {
        var configured = false;
        await using var host = await StartHostAsync(webhooks => webhooks.ConfigureHttpClient(client =>
            client.ConfigurePrimaryHttpMessageHandler((handler, _) =>
            {
                ((SocketsHttpHandler)handler).MaxConnectionsPerServer = 8;
                configured = true;
            })));

        Assert.Equal(WebhookTransportKind.Guarded, host.Services.GetRequiredService<WebhookTransportInspector>().Kind);
        Assert.True(configured);
        await Assert.ThrowsAsync<WebhookValidationException>(async () => await SubscribeAsync(host, BlockedUrl));
        Assert.Empty(GuardWarnings);
    }

    [Fact]
    public async Task A_replaced_primary_handler_is_reported_at_start_and_addresses_are_left_to_it()
    {
        await using var host = await StartHostAsync(webhooks => webhooks.ConfigureHttpClient(client =>
            client.ConfigurePrimaryHttpMessageHandler(static () => new HttpClientHandler())));

        var warning = Assert.Single(GuardWarnings);
        Assert.StartsWith("Warning Choreblimey.Webhooks.Security.WebhookTransportStartupCheck [203] ", warning, StringComparison.Ordinal);
        Assert.Contains(
            "The delivery HttpClient's primary handler is System.Net.Http.HttpClientHandler, in place of the library's: the address "
            + "guard does not check where deliveries connect (no SSRF protection). To change the client's settings, configure the "
            + "library's handler instead of replacing it: ConfigureHttpClient(c => c.ConfigurePrimaryHttpMessageHandler((handler, services) => ...)), "
            + "and leave its ConnectCallback as it is",
            warning,
            StringComparison.Ordinal);
        Assert.Equal(WebhookTransportKind.Unguarded, host.Services.GetRequiredService<WebhookTransportInspector>().Kind);

        // The guard would not see this connection, so refusing the URL would only stop a host that reaches it on purpose.
        var subscription = await SubscribeAsync(host, BlockedUrl);
        Assert.Equal(new Uri(BlockedUrl), subscription.Url);
    }

    [Fact]
    public async Task A_connect_callback_replaced_on_the_library_handler_is_reported()
    {
        await using var host = await StartHostAsync(webhooks => webhooks.ConfigureHttpClient(client =>
            client.ConfigurePrimaryHttpMessageHandler(static (handler, _) =>
                ((SocketsHttpHandler)handler).ConnectCallback = static (_, _) => throw new InvalidOperationException("not called"))));

        Assert.Contains(
            "primary handler is System.Net.Http.SocketsHttpHandler whose ConnectCallback is not the library's address guard: ",
            Assert.Single(GuardWarnings),
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_handler_that_cannot_be_created_is_reported_at_start_and_registration_goes_on()
    {
        await using var host = await StartHostAsync(webhooks => webhooks.ConfigureHttpClient(client =>
            client.ConfigurePrimaryHttpMessageHandler(static HttpMessageHandler () => throw new FileNotFoundException("client.pfx not found"))));

        var warning = Assert.Single(_logs.Entries, entry => entry.Contains("[204]", StringComparison.Ordinal));
        Assert.Contains(
            "The delivery HttpClient's handler could not be created, so every delivery will fail until its configuration is fixed: "
            + "FileNotFoundException: client.pfx not found",
            warning,
            StringComparison.Ordinal);
        Assert.Equal(WebhookTransportKind.Unknown, host.Services.GetRequiredService<WebhookTransportInspector>().Kind);
        Assert.Equal(new Uri(BlockedUrl), (await SubscribeAsync(host, BlockedUrl)).Url);
    }

    [Fact]
    public async Task The_testing_harness_receiver_is_in_process_and_not_reported()
    {
        await using var host = await WebhookTestHost.StartAsync(
            webhooks => webhooks.AddEvent("chore:created", "Chores"),
            services => services.AddLogging(logging => logging.AddProvider(_logs)).AddWebhooksTestHarness(),
            allowLoopback: false);

        Assert.Equal(WebhookTransportKind.InProcess, host.Services.GetRequiredService<WebhookTransportInspector>().Kind);
        Assert.Empty(GuardWarnings);
        Assert.Equal(new Uri(BlockedUrl), (await SubscribeAsync(host, BlockedUrl)).Url);
    }

    [Fact]
    public async Task An_instance_that_does_not_deliver_is_not_warned()
    {
        await using var host = await StartHostAsync(webhooks => webhooks
            .Configure(static o => o.Enabled = false)
            .ConfigureHttpClient(static client => client.ConfigurePrimaryHttpMessageHandler(static () => new HttpClientHandler())));

        Assert.Empty(GuardWarnings);
    }
}
