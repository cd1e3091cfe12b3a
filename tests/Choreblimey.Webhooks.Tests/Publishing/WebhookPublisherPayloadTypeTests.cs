using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;

namespace Choreblimey.Webhooks.Tests.Publishing;

/// <summary>An event declared with <c>AddEvent&lt;TPayload&gt;</c> takes only that payload type, and is written in its shape.</summary>
public sealed partial class WebhookPublisherPayloadTypeTests
{
    private const string Tenant = "t1";

    private static ServiceProvider Build(Action<WebhookOptions>? options = null) =>
        TestServices.Build(
            webhooks => webhooks
                .AddEvent<PayA>("a.created", "Test")
                .AddEvent<Derived>("d.created", "Test")
                .AddEvent("untyped.created", "Test"),
            options);

    private static async Task<JsonElement> StoredDataAsync(ServiceProvider services, WebhookPublishReceipt receipt)
    {
        Assert.Equal(WebhookPublishStatus.Published, receipt.Status);
        var message = await services.GetRequiredService<IWebhookStore>().GetMessageAsync(Tenant, receipt.EventId!);
        Assert.NotNull(message);
        return JsonDocument.Parse(message.Data).RootElement.Clone();
    }

    private static async Task<long> StoredCountAsync(ServiceProvider services) =>
        (await services.GetRequiredService<IWebhookStore>().GetEventTypeSummariesAsync(null, null)).Sum(s => s.Published);

    private static void AssertNamesTheDeclaredAndTheGivenType(string? message)
    {
        Assert.Contains(typeof(PayA).FullName!, message, StringComparison.Ordinal);
        Assert.Contains(typeof(PayB).FullName!, message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_payload_of_another_type_than_the_declared_one_throws_naming_the_event_and_both_types()
    {
        await using var services = Build();
        var publisher = services.GetRequiredService<IWebhookPublisher>();

        var exception = await Assert.ThrowsAsync<WebhookPayloadException>(
            async () => await publisher.PublishAsync("a.created", new PayB("b-1"), tenantId: Tenant));

        Assert.Equal("a.created", exception.EventType);
        Assert.Contains("'a.created'", exception.Message, StringComparison.Ordinal);
        AssertNamesTheDeclaredAndTheGivenType(exception.Message);
        Assert.Equal(0L, await StoredCountAsync(services));
    }

    [Fact]
    public async Task A_payload_of_another_type_passed_as_object_is_refused_too()
    {
        await using var services = Build();
        var publisher = services.GetRequiredService<IWebhookPublisher>();
        object payload = new { Id = "anonymous" };

        var exception = await Assert.ThrowsAsync<WebhookPayloadException>(
            async () => await publisher.PublishAsync("a.created", payload, tenantId: Tenant));

        Assert.Contains(typeof(PayA).FullName!, exception.Message, StringComparison.Ordinal);
        // Before, the compiler's name for it: "<>f__AnonymousType0`1[System.String]".
        Assert.EndsWith("; an anonymous type was given.", exception.Message, StringComparison.Ordinal);
        Assert.Equal(0L, await StoredCountAsync(services));
    }

    [Fact]
    public async Task With_throwing_off_a_payload_of_another_type_is_rejected_in_the_receipt_and_nothing_is_stored()
    {
        await using var services = Build(o => o.ThrowOnInvalidPublish = false);
        var publisher = services.GetRequiredService<IWebhookPublisher>();

        var receipt = await publisher.PublishAsync("a.created", new PayB("b-1"), tenantId: Tenant);

        Assert.Equal(WebhookPublishStatus.Rejected, receipt.Status);
        Assert.False(receipt.IsStored);
        Assert.Null(receipt.EventId);
        AssertNamesTheDeclaredAndTheGivenType(receipt.Error);
        Assert.Equal(0L, await StoredCountAsync(services));
    }

    [Fact]
    public async Task The_outbox_refuses_a_payload_of_another_type_as_the_publisher_does()
    {
        await using var services = Build();
        var outbox = services.GetRequiredService<IWebhookOutbox>();

        var exception = await Assert.ThrowsAsync<WebhookPayloadException>(
            async () => await outbox.PrepareAsync("a.created", new PayB("b-1"), new WebhookPublishOptions { TenantId = Tenant }));

        Assert.Equal("a.created", exception.EventType);
    }

    [Fact]
    public async Task A_payload_passed_through_an_interface_is_written_with_every_field_of_the_declared_type()
    {
        await using var services = Build();
        var publisher = services.GetRequiredService<IWebhookPublisher>();
        IBase payload = new Derived("i", "extra");

        var data = await StoredDataAsync(services, await publisher.PublishAsync("d.created", payload, tenantId: Tenant));

        Assert.Equal("i", data.GetProperty("id").GetString());
        Assert.Equal("extra", data.GetProperty("extra").GetString());
    }

    [Fact]
    public async Task A_payload_passed_as_object_is_written_as_the_declared_type()
    {
        await using var services = Build();
        var publisher = services.GetRequiredService<IWebhookPublisher>();
        object payload = new PayA("a-1");

        var data = await StoredDataAsync(services, await publisher.PublishAsync("a.created", payload, tenantId: Tenant));

        Assert.Equal("a-1", data.GetProperty("id").GetString());
    }

    [Fact]
    public async Task A_source_generated_resolver_needs_only_the_declared_type()
    {
        // A host whose payloads are source-generated lists the declared types; the type it happens to hold the payload as
        // (here an interface) has no metadata, and is not needed.
        await using var services = Build(o => o.JsonSerializerOptions = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            TypeInfoResolver = PayloadJsonContext.Default,
        });
        var publisher = services.GetRequiredService<IWebhookPublisher>();
        IBase payload = new Derived("i", "extra");

        var data = await StoredDataAsync(services, await publisher.PublishAsync("d.created", payload, tenantId: Tenant));

        Assert.Equal("extra", data.GetProperty("extra").GetString());
    }

    [Fact]
    public async Task A_null_payload_of_a_typed_event_is_written_as_null_as_before()
    {
        await using var services = Build();
        var publisher = services.GetRequiredService<IWebhookPublisher>();

        var data = await StoredDataAsync(services, await publisher.PublishAsync<PayA?>("a.created", null, tenantId: Tenant));

        Assert.Equal(JsonValueKind.Null, data.ValueKind);
    }

    [Fact]
    public async Task An_event_declared_without_a_payload_type_takes_any_payload_as_before()
    {
        await using var services = Build();
        var publisher = services.GetRequiredService<IWebhookPublisher>();

        var fromB = await StoredDataAsync(services, await publisher.PublishAsync("untyped.created", new PayB("b-1"), tenantId: Tenant));
        var fromAnonymous = await StoredDataAsync(services, await publisher.PublishAsync("untyped.created", new { Count = 3 }, tenantId: Tenant));

        Assert.Equal("b-1", fromB.GetProperty("id").GetString());
        Assert.Equal(3, fromAnonymous.GetProperty("count").GetInt32());
    }

    internal interface IBase
    {
        string Id { get; }
    }

    internal sealed record PayA(string Id);

    internal sealed record PayB(string Id);

    internal sealed record Derived(string Id, string Extra) : IBase;

    [JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
    [JsonSerializable(typeof(Derived))]
    internal sealed partial class PayloadJsonContext : JsonSerializerContext;
}
