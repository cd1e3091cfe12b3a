namespace Choreblimey.Webhooks.Security;

/// <summary>
/// Marks a primary handler that answers deliveries in this process (the Testing package's receiver) and never opens a
/// connection, so the address guard has nothing to check and its absence is not reported.
/// </summary>
internal interface IWebhookInProcessHandler;
