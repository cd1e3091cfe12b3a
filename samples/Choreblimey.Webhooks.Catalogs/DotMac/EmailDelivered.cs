namespace Choreblimey.Webhooks.Catalogs.DotMac;

/// <summary>The payload of <c>email.delivered</c>. An email was delivered (reported by the email provider).</summary>
public sealed record EmailDelivered(
    string EmailId,
    string ProviderMessageId,
    string? TemplateId,
    DateTimeOffset DeliveredAt);
