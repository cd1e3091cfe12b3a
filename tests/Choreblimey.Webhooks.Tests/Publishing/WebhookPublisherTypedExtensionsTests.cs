using Microsoft.Extensions.DependencyInjection;
using NSubstitute;

namespace Choreblimey.Webhooks.Tests.Publishing;

public sealed class WebhookPublisherTypedExtensionsTests
{
    public sealed record ChoreCreated(string ChoreId);

    public sealed record SharedPayload(string Id);

    private static IWebhookPublisher Publisher(Action<IWebhooksBuilder> configure, Action<WebhookOptions>? options = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        configure(services.AddWebhooks(o => options?.Invoke(o)));
        return services.BuildServiceProvider().GetRequiredService<IWebhookPublisher>();
    }

    [Fact]
    public async Task When_webhooks_are_disabled_a_typed_publish_is_a_no_op_even_for_an_undeclared_payload_type()
    {
        var publisher = Publisher(b => b.AddEvent("chore:created", "Chores"), o => o.Enabled = false);

        var receipt = await publisher.PublishAsync(new ChoreCreated("c1"), tenantId: "family-1");

        Assert.Equal(WebhookPublishStatus.Disabled, receipt.Status);
        Assert.Null(receipt.EventId);
    }

    [Fact]
    public async Task With_ThrowOnInvalidPublish_off_an_undeclared_payload_type_is_rejected_with_the_reason()
    {
        var publisher = Publisher(b => b.AddEvent("chore:created", "Chores"), o => o.ThrowOnInvalidPublish = false);

        var receipt = await publisher.PublishAsync(new ChoreCreated("c1"), tenantId: "family-1");

        Assert.Equal(WebhookPublishStatus.Rejected, receipt.Status);
        Assert.Contains("AddEvent<ChoreCreated>", receipt.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_event_name_passed_without_its_payload_says_to_pass_the_payload()
    {
        var publisher = Publisher(b => b.AddEvent("chore:created", "Chores"));

        // Binds to the typed extension, with the event name as a string payload.
        var error = await Assert.ThrowsAsync<UnknownWebhookEventException>(() => publisher.PublishAsync("chore:created", tenantId: "family-1").AsTask());

        Assert.Equal(
            "No webhook event is declared with the payload type System.String, and a string was passed as the payload: to publish by "
            + "event name, pass the payload after it, as in PublishAsync(\"chore:created\", payload, tenantId: ...).",
            error.Message);
    }

    [Fact]
    public async Task The_event_type_is_the_one_declared_with_the_payload_type()
    {
        var publisher = Publisher(b => b.AddEvent<ChoreCreated>("chore:created", "Chores"));

        var receipt = await publisher.PublishAsync(new ChoreCreated("c1"), tenantId: "family-1");

        Assert.Equal(WebhookPublishStatus.Published, receipt.Status);
    }

    [Fact]
    public async Task An_undeclared_payload_type_names_the_type_and_how_to_declare_it()
    {
        var publisher = Publisher(b => b.AddEvent("chore:created", "Chores"));

        var error = await Assert.ThrowsAsync<UnknownWebhookEventException>(() => publisher.PublishAsync(new ChoreCreated("c1")).AsTask());

        Assert.Contains("AddEvent<ChoreCreated>", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_payload_type_declared_by_two_events_is_ambiguous()
    {
        var publisher = Publisher(b => b.AddEvent<SharedPayload>("a.created", "A").AddEvent<SharedPayload>("b.created", "B"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => publisher.PublishAsync(new SharedPayload("x")).AsTask());
    }

    [Fact]
    public async Task A_publisher_without_a_registry_cannot_publish_by_type()
    {
        var publisher = Substitute.For<IWebhookPublisher>();

        await Assert.ThrowsAsync<InvalidOperationException>(() => publisher.PublishAsync(new ChoreCreated("c1")).AsTask());
    }

    [Fact]
    public async Task The_explicit_overload_still_wins_when_an_event_type_is_given()
    {
        var publisher = Publisher(b => b.AddEvent<ChoreCreated>("chore:created", "Chores").AddEvent("chore:updated", "Chores"));

        var receipt = await publisher.PublishAsync("chore:updated", new ChoreCreated("c1"));

        Assert.Equal(WebhookPublishStatus.Published, receipt.Status);
    }
}
