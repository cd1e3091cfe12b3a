namespace Choreblimey.Webhooks.Storage.Tests.Conformance;

/// <summary>Runs the store conformance suite against the in-memory store.</summary>
public sealed class InMemoryWebhookStoreConformanceTests : WebhookStoreConformanceTests
{
    protected override Task<IWebhookStore> CreateStoreAsync() => Task.FromResult<IWebhookStore>(new InMemoryWebhookStore());
}
