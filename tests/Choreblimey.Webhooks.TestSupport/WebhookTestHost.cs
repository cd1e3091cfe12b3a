using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Choreblimey.Webhooks.Testing.Support;

/// <summary>A started generic host with webhooks registered, for integration tests.</summary>
public sealed class WebhookTestHost : IAsyncDisposable
{
    private readonly IHost _host;

    private WebhookTestHost(IHost host) => _host = host;

    public IServiceProvider Services => _host.Services;

    public IWebhookPublisher Publisher => Services.GetRequiredService<IWebhookPublisher>();

    public IWebhookSubscriptionManager Subscriptions => Services.GetRequiredService<IWebhookSubscriptionManager>();

    public IWebhookStore Store => Services.GetRequiredService<IWebhookStore>();

    /// <summary>
    /// Builds and starts a host. <paramref name="configure"/> declares events and options; a fast retry schedule and
    /// short timeouts are set first so tests settle quickly on real time. Loopback receivers (over plain http) are admitted
    /// unless <paramref name="allowLoopback"/> is <see langword="false"/>, for tests of the address guard itself.
    /// </summary>
    public static async Task<WebhookTestHost> StartAsync(Action<IWebhooksBuilder> configure, Action<IServiceCollection>? services = null, bool allowLoopback = true)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var webhooks = builder.Services.AddWebhooks(options =>
        {
            options.Retry.UseSchedule(TimeSpan.Zero, TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(50));
            options.Retry.JitterFactor = 0;
            options.AttemptTimeout = TimeSpan.FromSeconds(5);
            options.PollInterval = TimeSpan.FromMilliseconds(200);
            options.CircuitBreaker.Enabled = false;
        });
        if (allowLoopback)
        {
            webhooks.AllowLoopback();
        }

        configure(webhooks);
        services?.Invoke(builder.Services);
        var host = builder.Build();
        await host.StartAsync();
        return new WebhookTestHost(host);
    }

    /// <summary>Polls <paramref name="condition"/> until it holds, or fails after <paramref name="timeout"/> with <paramref name="what"/>.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(15);
        using var cts = new CancellationTokenSource(limit);
        while (!await condition())
        {
            try
            {
                await Task.Delay(20, cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Timed out after {limit.TotalSeconds} s waiting for {what}.");
            }
        }
    }

    public async Task<WebhookDelivery> WaitForDeliveryStatusAsync(string tenantId, string messageId, WebhookDeliveryStatus status, TimeSpan? timeout = null)
    {
        WebhookDelivery? found = null;
        await EventuallyAsync(async () =>
        {
            var page = await Store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = tenantId, MessageId = messageId });
            found = page.Items.FirstOrDefault(d => d.Status == status);
            return found is not null;
        }, $"a delivery of {messageId} to reach {status}", timeout);
        return found!;
    }

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _host.StopAsync(cts.Token);
        _host.Dispose();
    }
}
