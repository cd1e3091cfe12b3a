using System.Net;
using System.Text;
using Choreblimey.Webhooks.Testing.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Choreblimey.Webhooks.Tests.Security;

/// <summary>
/// The address guard on the real connect path. Only loopback is ever connected to: the receiver listens on 127.0.0.1 and
/// every other address in these tests must be refused before a connection is attempted.
/// </summary>
public sealed class AddressGuardIntegrationTests : IAsyncLifetime
{
    private const string Tenant = "family-1";
    private LoopbackReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await LoopbackReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    private static Task<WebhookTestHost> StartHostAsync(bool allowLoopback, Action<WebhookOptions>? configure = null, Action<IWebhooksBuilder>? setUp = null) =>
        WebhookTestHost.StartAsync(
            webhooks =>
            {
                webhooks.AddEvent("chore:created", "Chores");
                if (configure is not null)
                {
                    webhooks.Configure(configure);
                }

                setUp?.Invoke(webhooks);
            },
            allowLoopback: allowLoopback);

    private static async Task<(WebhookDelivery Delivery, WebhookAttempt Attempt)> PublishAndWaitAsync(WebhookTestHost host, string url, WebhookDeliveryStatus status)
    {
        await host.Subscriptions.CreateAsync(Tenant, new WebhookSubscriptionRequest { Url = url, EventTypes = ["*"] });
        var receipt = await host.Publisher.PublishAsync("chore:created", new { ChoreId = "c1" }, tenantId: Tenant);
        var delivery = await host.WaitForDeliveryStatusAsync(Tenant, receipt.EventId!, status);
        var attempt = Assert.Single(await host.Store.GetAttemptsAsync(Tenant, delivery.Id));
        return (delivery, attempt);
    }

    private string UrlWithHost(string host) => $"http://{host}:{_receiver.BaseAddress.Port}/hooks";

    [Fact]
    public async Task A_loopback_url_is_refused_when_it_is_registered_while_loopback_is_not_allowed()
    {
        await using var host = await StartHostAsync(allowLoopback: false, o => o.Security.AllowHttp = true);

        var exception = await Assert.ThrowsAsync<WebhookValidationException>(async () =>
            await host.Subscriptions.CreateAsync(Tenant, new WebhookSubscriptionRequest { Url = _receiver.Url().ToString(), EventTypes = ["*"] }));

        Assert.Equal("Url", exception.PropertyName);
        Assert.Equal(
            "The webhook URL's address 127.0.0.1 (loopback 127.0.0.0/8) is refused by the address guard, so no delivery "
            + "could reach it; for a receiver on this machine call AllowLoopback() on the webhooks builder, or allow it with "
            + "WebhookOptions.Security.AllowedNetworks (or AllowedHosts).",
            exception.Message);
        Assert.Empty((await host.Subscriptions.ListAsync(Tenant)).Items);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("LOCALHOST")]
    [InlineData("localhost.")]
    public async Task Localhost_is_refused_when_it_is_registered_while_loopback_is_not_allowed(string localhost)
    {
        await using var host = await StartHostAsync(allowLoopback: false, o => o.Security.AllowHttp = true);

        var exception = await Assert.ThrowsAsync<WebhookValidationException>(async () =>
            await host.Subscriptions.CreateAsync(Tenant, new WebhookSubscriptionRequest { Url = UrlWithHost(localhost), EventTypes = ["*"] }));

        Assert.Contains($"The webhook URL's host {localhost.ToLowerInvariant()} is 127.0.0.1 (loopback 127.0.0.0/8), which the address guard refuses", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_blocked_address_in_an_update_is_refused_and_the_subscription_keeps_its_url()
    {
        await using var host = await StartHostAsync(allowLoopback: false);
        var subscription = await host.Subscriptions.CreateAsync(Tenant, new WebhookSubscriptionRequest { Url = "https://hooks.example.com/in", EventTypes = ["*"] });

        var exception = await Assert.ThrowsAsync<WebhookValidationException>(async () =>
            await host.Subscriptions.UpdateAsync(Tenant, subscription.Id, new WebhookSubscriptionUpdate { Url = "https://169.254.169.254/latest/meta-data/" }));

        Assert.Equal(
            "The webhook URL's address 169.254.169.254 (link-local (cloud metadata) 169.254.0.0/16) is refused by the address guard, "
            + "so no delivery could reach it; allow it with WebhookOptions.Security.AllowedNetworks (or AllowedHosts).",
            exception.Message);
        Assert.Equal(new Uri("https://hooks.example.com/in"), (await host.Subscriptions.GetAsync(Tenant, subscription.Id))!.Url);
    }

    [Fact]
    public async Task An_allowed_network_admits_a_url_holding_one_of_its_addresses()
    {
        await using var host = await StartHostAsync(allowLoopback: false, o =>
        {
            o.Security.AllowHttp = true;
            o.Security.AllowedNetworks.Add("127.0.0.0/8");
        });

        var (_, attempt) = await PublishAndWaitAsync(host, _receiver.Url().ToString(), WebhookDeliveryStatus.Succeeded);

        Assert.Equal(WebhookAttemptOutcome.Succeeded, attempt.Outcome);
    }

    [Fact]
    public async Task A_name_resolving_to_loopback_is_refused_before_connecting()
    {
        await using var host = await StartHostAsync(
            allowLoopback: false,
            o => o.Security.AllowHttp = true,
            webhooks => webhooks.ResolveHost("hooks.partner.example", IPAddress.Loopback));

        var (delivery, attempt) = await PublishAndWaitAsync(host, UrlWithHost("hooks.partner.example"), WebhookDeliveryStatus.DeadLettered);

        Assert.Equal(WebhookAttemptOutcome.Blocked, attempt.Outcome);
        Assert.Null(attempt.StatusCode);
        Assert.Equal(
            "Refused to connect to 127.0.0.1 (loopback 127.0.0.0/8) for host hooks.partner.example: blocked by the address guard; "
            + "for a receiver on this machine call AllowLoopback() on the webhooks builder, or allow it with WebhookOptions.Security.AllowedNetworks (or AllowedHosts)",
            attempt.Error);
        Assert.Equal(1, delivery.AttemptCount);
        Assert.Equal(attempt.Error, delivery.LastError);
        Assert.Empty(_receiver.Received);
    }

    [Theory]
    [InlineData("0x7f000001")]
    [InlineData("2130706433")]
    [InlineData("017700000001")]
    [InlineData("127.1")]
    [InlineData("0177.0.0.1")]
    [InlineData("[::ffff:127.0.0.1]")]
    public async Task Loopback_in_other_notations_is_refused_when_it_is_registered(string hostForm)
    {
        await using var host = await StartHostAsync(allowLoopback: false, o => o.Security.AllowHttp = true);

        var exception = await Assert.ThrowsAsync<WebhookValidationException>(async () =>
            await host.Subscriptions.CreateAsync(Tenant, new WebhookSubscriptionRequest { Url = UrlWithHost(hostForm), EventTypes = ["*"] }));

        Assert.Contains("127.0.0.1 (loopback 127.0.0.0/8)", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_allow_loopback_the_same_delivery_succeeds()
    {
        await using var host = await StartHostAsync(allowLoopback: true);

        var (_, attempt) = await PublishAndWaitAsync(host, _receiver.Url().ToString(), WebhookDeliveryStatus.Succeeded);

        Assert.Equal(WebhookAttemptOutcome.Succeeded, attempt.Outcome);
        Assert.Single(_receiver.Received);
    }

    [Fact]
    public async Task With_allow_loopback_a_name_resolving_to_loopback_succeeds()
    {
        await using var host = await StartHostAsync(allowLoopback: true);

        var (_, attempt) = await PublishAndWaitAsync(host, UrlWithHost("localhost"), WebhookDeliveryStatus.Succeeded);

        Assert.Equal(WebhookAttemptOutcome.Succeeded, attempt.Outcome);
    }

    [Fact]
    public async Task An_allowed_host_name_admits_its_loopback_addresses()
    {
        await using var host = await StartHostAsync(allowLoopback: false, o =>
        {
            o.Security.AllowHttp = true;
            o.Security.AllowedHosts.Add("LOCALHOST");
        });

        var (_, attempt) = await PublishAndWaitAsync(host, UrlWithHost("localhost"), WebhookDeliveryStatus.Succeeded);

        Assert.Equal(WebhookAttemptOutcome.Succeeded, attempt.Outcome);
    }

    [Fact]
    public async Task Plain_http_is_refused_at_send_time_when_not_allowed()
    {
        await using var host = await StartHostAsync(allowLoopback: false, o => o.Security.AllowedNetworks.Add("127.0.0.0/8"));
        var refused = await Assert.ThrowsAsync<WebhookValidationException>(() =>
            host.Subscriptions.CreateAsync(Tenant, new WebhookSubscriptionRequest { Url = _receiver.Url().ToString(), EventTypes = ["*"] }).AsTask());
        Assert.Contains("'http'", refused.Message, StringComparison.Ordinal);

        // A subscription stored before http was forbidden (or written straight to the store) is still refused when sending.
        await StoreDirectlyAsync(host, _receiver.Url());
        var receipt = await host.Publisher.PublishAsync("chore:created", new { ChoreId = "c1" }, tenantId: Tenant);
        var delivery = await host.WaitForDeliveryStatusAsync(Tenant, receipt.EventId!, WebhookDeliveryStatus.DeadLettered);
        var attempt = Assert.Single(await host.Store.GetAttemptsAsync(Tenant, delivery.Id));

        Assert.Equal(WebhookAttemptOutcome.Blocked, attempt.Outcome);
        Assert.Contains("'http'", attempt.Error, StringComparison.Ordinal);
        Assert.Contains("call AllowLoopback() on the webhooks builder", attempt.Error, StringComparison.Ordinal);
        Assert.Empty(_receiver.Received);
    }

    [Fact]
    public async Task A_redirect_towards_cloud_metadata_is_not_followed()
    {
        _receiver.Respond = (context, _) =>
        {
            context.Response.Headers.Location = "http://169.254.169.254/latest/meta-data/";
            return Task.FromResult(302);
        };
        await using var host = await StartHostAsync(allowLoopback: true, o => o.Retry.UseSchedule(TimeSpan.Zero));

        var (_, attempt) = await PublishAndWaitAsync(host, _receiver.Url().ToString(), WebhookDeliveryStatus.DeadLettered);

        Assert.Equal(WebhookAttemptOutcome.HttpError, attempt.Outcome);
        Assert.Equal(302, attempt.StatusCode);
        Assert.Contains("redirects are not followed", attempt.Error, StringComparison.Ordinal);
        Assert.Single(_receiver.Received);
    }

    [Fact]
    public async Task Through_a_proxy_a_receiver_given_as_a_blocked_address_is_refused_at_registration_and_before_sending()
    {
        // The proxy is a closed loopback port: should anything be sent, it would fail there, not reach 10.0.0.5.
        await using var host = await StartHostAsync(allowLoopback: true, o => o.Security.Proxy = new Uri("http://127.0.0.1:9"));
        var refused = await Assert.ThrowsAsync<WebhookValidationException>(async () =>
            await host.Subscriptions.CreateAsync(Tenant, new WebhookSubscriptionRequest { Url = "https://10.0.0.5/hooks", EventTypes = ["*"] }));
        Assert.StartsWith("The webhook URL's address 10.0.0.5 (private network 10.0.0.0/8) is refused by the address guard", refused.Message, StringComparison.Ordinal);

        await StoreDirectlyAsync(host, new Uri("https://10.0.0.5/hooks"));
        var receipt = await host.Publisher.PublishAsync("chore:created", new { ChoreId = "c1" }, tenantId: Tenant);
        var delivery = await host.WaitForDeliveryStatusAsync(Tenant, receipt.EventId!, WebhookDeliveryStatus.DeadLettered);
        var attempt = Assert.Single(await host.Store.GetAttemptsAsync(Tenant, delivery.Id));

        Assert.Equal(WebhookAttemptOutcome.Blocked, attempt.Outcome);
        Assert.Contains("Refused to connect to 10.0.0.5 (private network 10.0.0.0/8)", attempt.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_loopback_address_stored_before_it_was_forbidden_is_refused_before_connecting()
    {
        await using var host = await StartHostAsync(allowLoopback: false, o => o.Security.AllowHttp = true);
        await StoreDirectlyAsync(host, _receiver.Url());

        var receipt = await host.Publisher.PublishAsync("chore:created", new { ChoreId = "c1" }, tenantId: Tenant);
        var delivery = await host.WaitForDeliveryStatusAsync(Tenant, receipt.EventId!, WebhookDeliveryStatus.DeadLettered);
        var attempt = Assert.Single(await host.Store.GetAttemptsAsync(Tenant, delivery.Id));

        Assert.Equal(WebhookAttemptOutcome.Blocked, attempt.Outcome);
        Assert.Equal(
            "Refused to connect to 127.0.0.1 (loopback 127.0.0.0/8) for host 127.0.0.1: blocked by the address guard; "
            + "for a receiver on this machine call AllowLoopback() on the webhooks builder, or allow it with WebhookOptions.Security.AllowedNetworks (or AllowedHosts)",
            attempt.Error);
        Assert.Empty(_receiver.Received);
    }

    /// <summary>Writes a subscription straight to the store, as one stored before the options forbade its URL would be.</summary>
    private static async Task StoreDirectlyAsync(WebhookTestHost host, Uri url)
    {
        var now = DateTimeOffset.UtcNow;
        await host.Store.CreateSubscriptionAsync(new WebhookSubscription
        {
            Id = "sub_stored_before",
            TenantId = Tenant,
            Url = url,
            EventPatterns = ["*"],
            Secrets = [new WebhookSigningSecret(WebhookSecret.Generate())],
            CreatedAt = now,
            UpdatedAt = now,
        });
    }

    [Fact]
    public async Task A_response_streaming_10_MB_is_read_only_up_to_the_cap()
    {
        var droppedByTheSender = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _receiver.Respond = async (context, _) =>
        {
            context.Response.StatusCode = 200;
            context.Response.ContentType = "text/plain";
            var chunk = new byte[64 * 1024];
            Array.Fill(chunk, (byte)'x');
            try
            {
                for (var sent = 0; sent < 10 * 1024 * 1024; sent += chunk.Length)
                {
                    await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
                }

                // Writes to a connection the client has dropped may be discarded without an error: wait for the abort itself.
                // A sender that read on to the end would be left waiting here until its attempt timed out.
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
            catch (Exception exception) when (exception is OperationCanceledException or IOException)
            {
                // The sender stopped reading at the cap and dropped the connection.
                droppedByTheSender.TrySetResult();
            }

            return 200;
        };
        await using var host = await StartHostAsync(allowLoopback: true, o => o.MaxResponseBodyBytes = 4096);

        var (delivery, attempt) = await PublishAndWaitAsync(host, _receiver.Url().ToString(), WebhookDeliveryStatus.Succeeded);

        Assert.Equal(WebhookAttemptOutcome.Succeeded, attempt.Outcome);
        Assert.Equal(1, delivery.AttemptCount);
        Assert.Equal(new string('x', 4096), attempt.ResponseBody);
        await droppedByTheSender.Task.WaitAsync(TimeSpan.FromSeconds(15));
    }

    [Theory]
    [InlineData(64 * 1024, 40_000, 40_000)] // longer than the sender's read buffer (16 KiB), shorter than the cap
    [InlineData(20_000, 50_000, 20_000)] // longer than the buffer and the cap
    public async Task A_response_longer_than_the_read_buffer_is_kept_whole_up_to_the_cap(int cap, int bodyBytes, int expectedBytes)
    {
        // Three-byte characters written in chunks that split them: the body must be decoded as one sequence of bytes.
        var body = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("€", bodyBytes / 3)) + new string('x', bodyBytes % 3));
        _receiver.Respond = async (context, _) =>
        {
            context.Response.StatusCode = 200;
            context.Response.ContentType = "text/plain; charset=utf-8";
            for (var sent = 0; sent < body.Length; sent += 1_000)
            {
                await context.Response.Body.WriteAsync(body.AsMemory(sent, Math.Min(1_000, body.Length - sent)), context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
            }

            return 200;
        };
        await using var host = await StartHostAsync(allowLoopback: true, o => o.MaxResponseBodyBytes = cap);

        var (_, attempt) = await PublishAndWaitAsync(host, _receiver.Url().ToString(), WebhookDeliveryStatus.Succeeded);

        Assert.Equal(WebhookAttemptOutcome.Succeeded, attempt.Outcome);
        Assert.Equal(Encoding.UTF8.GetString(body, 0, expectedBytes), attempt.ResponseBody);
    }

    [Fact]
    public void The_primary_handler_keeps_certificate_validation_on_and_follows_nothing()
    {
        var handler = PrimaryHandler(_ => { });

        Assert.Null(handler.SslOptions.RemoteCertificateValidationCallback);
        Assert.False(handler.AllowAutoRedirect);
        Assert.False(handler.UseProxy);
        Assert.Null(handler.Proxy);
        Assert.False(handler.UseCookies);
        Assert.NotNull(handler.ConnectCallback);
        Assert.Equal(TimeSpan.FromMinutes(2), handler.PooledConnectionLifetime);
        Assert.Equal(TimeSpan.FromSeconds(10), handler.ConnectTimeout);
    }

    [Fact]
    public void A_configured_proxy_is_used()
    {
        var handler = PrimaryHandler(o => o.Security.Proxy = new Uri("http://proxy.internal:3128"));

        Assert.True(handler.UseProxy);
        var proxy = Assert.IsType<WebProxy>(handler.Proxy);
        Assert.Equal(new Uri("http://proxy.internal:3128"), proxy.Address);
        Assert.Null(handler.SslOptions.RemoteCertificateValidationCallback);
    }

    private static SocketsHttpHandler PrimaryHandler(Action<WebhookOptions> configure)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddWebhooks(configure);
        var provider = services.BuildServiceProvider();
        HttpMessageHandler handler = provider.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler(WebhookConstants.HttpClientName);
        while (handler is DelegatingHandler delegating)
        {
            handler = delegating.InnerHandler!;
        }

        return Assert.IsType<SocketsHttpHandler>(handler);
    }
}
