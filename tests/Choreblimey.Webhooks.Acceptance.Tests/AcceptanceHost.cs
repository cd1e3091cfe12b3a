using System.Text.Json;
using Choreblimey.Webhooks.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Choreblimey.Webhooks.Acceptance.Tests;

/// <summary>A started host with a catalog registered the way the host app would, under the test harness.</summary>
internal sealed class AcceptanceHost : IAsyncDisposable
{
    private readonly IHost _host;

    private AcceptanceHost(IHost host) => _host = host;

    public IServiceProvider Services => _host.Services;

    public IWebhookTestHarness Harness => Services.GetRequiredService<IWebhookTestHarness>();

    public IWebhookPublisher Publisher => Services.GetRequiredService<IWebhookPublisher>();

    public IWebhookSubscriptionManager Subscriptions => Services.GetRequiredService<IWebhookSubscriptionManager>();

    public IWebhookStore Store => Services.GetRequiredService<IWebhookStore>();

    public IWebhookEventRegistry Registry => Services.GetRequiredService<IWebhookEventRegistry>();

    public IWebhookOperations Operations => Services.GetRequiredService<IWebhookOperations>();

    public static async Task<AcceptanceHost> StartAsync(
        Action<IWebhooksBuilder> catalog,
        Action<WebhookOptions>? options = null,
        Action<WebhookTestHarnessOptions>? harness = null,
        IDictionary<string, string?>? configuration = null,
        Action<IWebhooksBuilder, IConfiguration>? routing = null,
        Action<IServiceCollection, IWebhooksBuilder>? afterHarness = null,
        Action<IConfigurationBuilder>? configurationSources = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.SetMinimumLevel(LogLevel.Critical);
        builder.Configuration.AddInMemoryCollection(configuration ?? new Dictionary<string, string?>());
        configurationSources?.Invoke(builder.Configuration);
        var webhooks = builder.Services.AddWebhooks(builder.Configuration.GetSection("Webhooks"));
        builder.Services.Configure<WebhookOptions>(o =>
        {
            o.Retry.UseSchedule(TimeSpan.Zero, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5));
            o.Retry.JitterFactor = 0;
            options?.Invoke(o);
        });
        catalog(webhooks);
        routing?.Invoke(webhooks, builder.Configuration);
        builder.Services.AddWebhooksTestHarness(harness);
        afterHarness?.Invoke(builder.Services, webhooks);
        var host = builder.Build();
        await host.StartAsync();
        return new AcceptanceHost(host);
    }

    /// <summary>An instance of the event's payload type, made from the contract's example.</summary>
    public object ExamplePayload(string eventType)
    {
        var definition = Registry.GetEvent(eventType);
        var contract = Services.GetRequiredService<WebhookContractExporter>().Export("examples").Events.Single(e => e.Name == eventType);
        var data = contract.ExampleEnvelope.GetProperty("data");
        return definition.PayloadType is { } type ? data.Deserialize(type, JsonSerializerOptions.Web)! : data;
    }

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _host.StopAsync(cts.Token);
        _host.Dispose();
    }
}
