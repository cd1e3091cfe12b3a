using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Choreblimey.Webhooks.Tests.Bridging;

public sealed class WebhookEventBridgeTests
{
    public abstract record SourceEvent(string Tenant);

    public sealed record Opened(string Tenant, string Id) : SourceEvent(Tenant);

    public sealed record Ignored(string Tenant) : SourceEvent(Tenant);

    public sealed record TicketPayload(string TicketId);

    private static ServiceProvider Build(Action<IWebhooksBuilder> configure)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        configure(services.AddWebhooks());
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task A_mapped_event_is_published_in_its_tenant_and_an_unmapped_one_is_ignored()
    {
        var provider = Build(b => b
            .AddEvent("ticket.created", "Tickets")
            .AddEventBridge<SourceEvent>(map => map.Map<Opened, object>("ticket.created", e => new { e.Id }, e => new WebhookPublishOptions { TenantId = e.Tenant })));
        var bridge = provider.GetRequiredService<IWebhookEventBridge<SourceEvent>>();

        var receipt = await bridge.ForwardAsync(new Opened("t1", "ticket-1"));
        var ignored = await bridge.ForwardAsync(new Ignored("t1"));

        Assert.NotNull(receipt);
        var message = await provider.GetRequiredService<IWebhookStore>().GetMessageAsync("t1", receipt.EventId!);
        Assert.Equal("ticket.created", message!.EventType);
        Assert.Equal("{\"id\":\"ticket-1\"}", System.Text.Encoding.UTF8.GetString(message.Data.Span));
        Assert.Null(ignored);
    }

    [Fact]
    public void A_mapping_onto_an_undeclared_event_fails_when_the_bridge_is_resolved()
    {
        var provider = Build(b => b
            .AddEvent("ticket.created", "Tickets")
            .AddEventBridge<SourceEvent>(map => map.Map<Opened, object>("ticket.opened", e => e)));

        var error = Assert.Throws<UnknownWebhookEventException>(() => provider.GetRequiredService<IWebhookEventBridge<SourceEvent>>());
        Assert.Equal("ticket.opened", error.EventType);
    }

    [Fact]
    public async Task A_mapping_must_produce_the_declared_payload_type()
    {
        var wrong = Build(b => b
            .AddEvent<TicketPayload>("ticket.created", "Tickets")
            .AddEventBridge<SourceEvent>(map => map.Map<Opened, object>("ticket.created", e => new { e.Id })));

        var error = Assert.Throws<InvalidOperationException>(() => wrong.GetRequiredService<IWebhookEventBridge<SourceEvent>>());
        Assert.Contains("'ticket.created' is declared with the payload type", error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(TicketPayload), error.Message, StringComparison.Ordinal);

        var right = Build(b => b
            .AddEvent<TicketPayload>("ticket.created", "Tickets")
            .AddEventBridge<SourceEvent>(map => map.Map<Opened, TicketPayload>("ticket.created", e => new TicketPayload(e.Id), e => new WebhookPublishOptions { TenantId = e.Tenant })));
        var receipt = await right.GetRequiredService<IWebhookEventBridge<SourceEvent>>().ForwardAsync(new Opened("t1", "ticket-1"));
        Assert.Equal(WebhookPublishStatus.Published, receipt!.Status);
    }

    [Fact]
    public void An_invalid_event_name_is_rejected_when_mapped()
    {
        Assert.Throws<ArgumentException>(() => Build(b => b.AddEventBridge<SourceEvent>(map => map.Map<Opened, object>("Ticket Created", e => e)))
            .GetRequiredService<IWebhookEventBridge<SourceEvent>>());
    }

    private static IHost BuildHost(Action<IWebhooksBuilder> configure)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        configure(builder.Services.AddWebhooks());
        return builder.Build();
    }

    [Fact]
    public async Task A_mapping_onto_an_undeclared_event_fails_the_host_start_not_the_first_forward()
    {
        // Nothing resolves the bridge while the host starts (no hosted service depends on it), as in an app that forwards from a request handler.
        using var host = BuildHost(b => b
            .AddEvent("ticket.created", "Tickets")
            .AddEventBridge<object>(map => map.Map<string, object>("ticket.sla_breach", s => s)));

        var error = await Assert.ThrowsAsync<UnknownWebhookEventException>(() => host.StartAsync());
        Assert.Equal("ticket.sla_breach", error.EventType);
    }

    [Fact]
    public async Task A_mapping_with_the_wrong_payload_type_fails_the_host_start()
    {
        using var host = BuildHost(b => b
            .AddEvent<TicketPayload>("ticket.created", "Tickets")
            .AddEventBridge<SourceEvent>(map => map.Map<Opened, object>("ticket.created", e => new { e.Id })));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());
        Assert.Contains("'ticket.created' is declared with the payload type", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Valid_bridges_of_two_source_types_start_and_forward()
    {
        using var host = BuildHost(b => b
            .AddEvent("ticket.created", "Tickets")
            .AddEventBridge<SourceEvent>(map => map.Map<Opened, object>("ticket.created", e => new { e.Id }, e => new WebhookPublishOptions { TenantId = e.Tenant }))
            .AddEventBridge<SourceEvent>(map => map.Map<Ignored, object>("ticket.created", e => new { }, e => new WebhookPublishOptions { TenantId = e.Tenant }))
            .AddEventBridge<string>(map => map.Map<string, object>("ticket.created", s => new { s })));

        await host.StartAsync();
        try
        {
            var receipt = await host.Services.GetRequiredService<IWebhookEventBridge<SourceEvent>>().ForwardAsync(new Ignored("t1"));
            Assert.Equal(WebhookPublishStatus.Published, receipt!.Status);
            Assert.Single(host.Services.GetServices<IHostedService>(), s => s.GetType().Name.StartsWith("WebhookEventBridgeStartupCheck", StringComparison.Ordinal)
                && s.GetType().GenericTypeArguments[0] == typeof(SourceEvent));
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
