namespace Choreblimey.Webhooks.Outbox.Tests;

/// <summary>Thrown by a test between publishing and committing.</summary>
public sealed class SimulatedFailureException() : Exception("Simulated failure between publish and commit.");
