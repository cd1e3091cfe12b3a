namespace Choreblimey.Webhooks.Testing.Tests;

public sealed record ChoreCreated(string ChoreId, string Title, string Frequency);
