namespace Choreblimey.Webhooks.Catalogs.ChoreblimeyApp;

/// <summary>The payload of <c>gift-template:created</c>. A gift template for a provider (Amazon) was created.</summary>
public sealed record GiftTemplateCreated(
    string TemplateId,
    string Provider,
    string ProductId,
    decimal Price,
    string Currency);
