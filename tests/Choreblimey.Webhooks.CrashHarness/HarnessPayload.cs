namespace Choreblimey.Webhooks.CrashHarness;

/// <summary>The payload of every event the harness publishes.</summary>
/// <param name="Sequence">The publisher's running number.</param>
/// <param name="Publisher">The publishing worker's id.</param>
internal sealed record HarnessPayload(int Sequence, string Publisher);
