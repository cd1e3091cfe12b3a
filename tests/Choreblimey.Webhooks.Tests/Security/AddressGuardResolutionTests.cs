using System.Net;
using Choreblimey.Webhooks.Security;
using Choreblimey.Webhooks.Testing.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using NSubstitute;

namespace Choreblimey.Webhooks.Tests.Security;

#pragma warning disable CA2012 // NSubstitute configures ValueTask-returning members by calling them.

/// <summary>
/// The address guard given chosen DNS answers through its resolver seam: a name that resolves to a mix of allowed and
/// blocked addresses, only to blocked ones, or first to an allowed and then to a blocked one (DNS rebinding). Only
/// 127.0.0.1 is admitted (by the allow-list, as a receiver on an internal network would be) and only it is ever dialled:
/// the private addresses in the answers must be refused before any connection is attempted.
/// </summary>
public sealed class AddressGuardResolutionTests : IAsyncLifetime, IDisposable
{
    private const string Tenant = "family-1";
    private const string Host = "hooks.rebind.example";
    private static readonly IPAddress Loopback = IPAddress.Parse("127.0.0.1");
    private static readonly IPAddress Private10 = IPAddress.Parse("10.0.0.5");
    private static readonly IPAddress Private192 = IPAddress.Parse("192.168.7.7");
    private readonly IWebhookHostResolver _resolver = Substitute.For<IWebhookHostResolver>();
    private readonly CapturingLoggerProvider _logs = new();
    private LoopbackReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await LoopbackReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    public void Dispose() => _logs.Dispose();

    private string Url => $"http://{Host}:{_receiver.BaseAddress.Port}/hooks";

    private Task<WebhookTestHost> StartHostAsync() =>
        WebhookTestHost.StartAsync(
            webhooks => webhooks.AddEvent("chore:created", "Chores").Configure(o =>
            {
                o.Security.AllowHttp = true;
                o.Security.AllowedNetworks.Add("127.0.0.1/32");
            }),
            services =>
            {
                services.Replace(ServiceDescriptor.Singleton(_resolver));
                services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(_logs));
            },
            allowLoopback: false);

    private void Answer(params IPAddress[][] answers)
    {
        var results = answers.Select(a => new ValueTask<IPAddress[]>(a)).ToArray();
        _resolver.ResolveAsync(Host, Arg.Any<CancellationToken>()).Returns(results[0], results[1..]);
    }

    private static async Task<(WebhookDelivery Delivery, WebhookAttempt Attempt)> PublishAsync(WebhookTestHost host, WebhookDeliveryStatus status)
    {
        var receipt = await host.Publisher.PublishAsync("chore:created", new { ChoreId = "c1" }, tenantId: Tenant);
        var delivery = await host.WaitForDeliveryStatusAsync(Tenant, receipt.EventId!, status);
        return (delivery, Assert.Single(await host.Store.GetAttemptsAsync(Tenant, delivery.Id)));
    }

    private IReadOnlyList<string> Connections => [.. _logs.Entries.Where(e => e.Contains("[201] Connected to", StringComparison.Ordinal))];

    [Fact]
    public async Task A_name_resolving_to_a_private_and_an_allowed_address_is_connected_only_to_the_allowed_one()
    {
        // The private address comes first: a guard that dialled in resolver order without checking would try it first.
        Answer([Private10, Loopback]);
        await using var host = await StartHostAsync();
        await host.Subscriptions.CreateAsync(Tenant, new WebhookSubscriptionRequest { Url = Url, EventTypes = ["*"] });

        var (_, attempt) = await PublishAsync(host, WebhookDeliveryStatus.Succeeded);

        Assert.Equal(200, attempt.StatusCode);
        Assert.Single(_receiver.Received);
        await _resolver.Received(1).ResolveAsync(Host, Arg.Any<CancellationToken>());
        Assert.Contains(_logs.Entries, e => e.Contains("Address=10.0.0.5", StringComparison.Ordinal) && e.Contains("private network 10.0.0.0/8", StringComparison.Ordinal));
        var connection = Assert.Single(Connections);
        Assert.Contains($"Connected to 127.0.0.1:{_receiver.BaseAddress.Port} for host {Host}", connection, StringComparison.Ordinal);
        Assert.DoesNotContain(_logs.Entries, e => e.Contains("Connected to 10.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_name_resolving_only_to_private_addresses_is_refused_naming_the_address_and_the_rule()
    {
        Answer([Private10, Private192]);
        await using var host = await StartHostAsync();
        await host.Subscriptions.CreateAsync(Tenant, new WebhookSubscriptionRequest { Url = Url, EventTypes = ["*"] });

        var (delivery, attempt) = await PublishAsync(host, WebhookDeliveryStatus.DeadLettered);

        Assert.Equal(WebhookAttemptOutcome.Blocked, attempt.Outcome);
        Assert.Equal(
            $"Refused to connect to 10.0.0.5 (private network 10.0.0.0/8) for host {Host}: blocked by the address guard; "
            + "allow it with WebhookOptions.Security.AllowedNetworks (or AllowedHosts) (the other 1 address of the host was refused too)",
            attempt.Error);
        Assert.Equal(1, delivery.AttemptCount);
        Assert.Contains(_logs.Entries, e => e.Contains("Address=192.168.7.7", StringComparison.Ordinal) && e.Contains("private network 192.168.0.0/16", StringComparison.Ordinal));
        Assert.Empty(Connections);
        Assert.Empty(_receiver.Received);
    }

    [Fact]
    public async Task A_name_that_rebinds_to_a_private_address_is_refused_on_the_next_connection()
    {
        // The receiver closes each connection, so every delivery connects (and resolves) again, as after PooledConnectionLifetime.
        _receiver.Respond = (context, _) =>
        {
            context.Response.Headers.Connection = "close";
            return Task.FromResult(200);
        };
        Answer([Loopback], [Private10]);
        await using var host = await StartHostAsync();
        await host.Subscriptions.CreateAsync(Tenant, new WebhookSubscriptionRequest { Url = Url, EventTypes = ["*"] });

        var (_, first) = await PublishAsync(host, WebhookDeliveryStatus.Succeeded);
        var (_, second) = await PublishAsync(host, WebhookDeliveryStatus.DeadLettered);

        Assert.Equal(200, first.StatusCode);
        Assert.Equal(WebhookAttemptOutcome.Blocked, second.Outcome);
        Assert.StartsWith($"Refused to connect to 10.0.0.5 (private network 10.0.0.0/8) for host {Host}", second.Error, StringComparison.Ordinal);
        await _resolver.Received(2).ResolveAsync(Host, Arg.Any<CancellationToken>());
        Assert.Single(_receiver.Received);
        Assert.Single(Connections);
    }
}
