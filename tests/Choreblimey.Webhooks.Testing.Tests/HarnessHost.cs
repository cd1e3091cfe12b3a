using Choreblimey.Webhooks.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Choreblimey.Webhooks.Testing.Tests;

/// <summary>A started generic host with webhooks as a host app would register them, plus the harness.</summary>
internal sealed class HarnessHost : IAsyncDisposable
{
    private readonly IHost _host;

    private HarnessHost(IHost host) => _host = host;

    public IServiceProvider Services => _host.Services;

    public IWebhookTestHarness Harness => Services.GetRequiredService<IWebhookTestHarness>();

    public IWebhookPublisher Publisher => Services.GetRequiredService<IWebhookPublisher>();

    public static async Task<HarnessHost> StartAsync(Action<IWebhooksBuilder>? configure = null, Action<WebhookTestHarnessOptions>? harness = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var webhooks = builder.Services.AddWebhooks(o =>
            {
                o.Retry.UseSchedule(TimeSpan.Zero, TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30));
                o.CircuitBreaker.Enabled = false;
            })
            .AddEvent<ChoreCreated>("chore:created", "Chores", "A chore was created.")
            .AddEvent("chore:updated", "Chores");
        configure?.Invoke(webhooks);
        builder.Services.AddWebhooksTestHarness(harness);
        var host = builder.Build();
        await host.StartAsync();
        return new HarnessHost(host);
    }

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _host.StopAsync(cts.Token);
        _host.Dispose();
    }
}
