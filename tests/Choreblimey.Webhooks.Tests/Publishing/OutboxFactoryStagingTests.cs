using Choreblimey.Webhooks.Publishing.Internal;
using Microsoft.Extensions.DependencyInjection;

namespace Choreblimey.Webhooks.Tests.Publishing;

/// <summary>What the outbox checks when a payload factory is staged (the EF Core package's <c>AddWebhookAfterSave</c>).</summary>
public sealed class OutboxFactoryStagingTests
{
    [Fact]
    public void A_factory_that_can_never_build_the_declared_payload_type_is_refused_when_staged()
    {
        using var services = TestServices.Build(w => w.AddEvent<InvoiceCreated>("invoice.created", "Invoices"));
        var outbox = (WebhookOutbox)services.GetRequiredService<IWebhookOutbox>();

        var refused = Assert.Throws<WebhookPayloadException>(() => outbox.EnsureValidFactoryWhenStaged<Unrelated>("invoice.created", null));

        Assert.Equal(
            $"The payload of webhook event 'invoice.created' must be a {typeof(InvoiceCreated)}, the payload type it was declared with (AddEvent<T>); the factory builds a {typeof(Unrelated)}.",
            refused.Message);
        outbox.EnsureValidFactoryWhenStaged<InvoiceCreated>("invoice.created", null);
        outbox.EnsureValidFactoryWhenStaged<object>("invoice.created", null);   // may build one
        Assert.Throws<UnknownWebhookEventException>(() => outbox.EnsureValidFactoryWhenStaged<InvoiceCreated>("invoice.craeted", null));
    }

    private sealed record InvoiceCreated(long Id);

    private sealed record Unrelated(long Id);
}
