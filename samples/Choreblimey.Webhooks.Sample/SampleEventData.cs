namespace Choreblimey.Webhooks.Sample;

/// <summary>The sample's payload: identifiers and amounts only, no personal data.</summary>
internal sealed record SampleEventData(int Sequence, string EntityId, int Stars);
