using Microsoft.AspNetCore.SignalR;

namespace Choreblimey.Webhooks.MinimalApi;

/// <summary>The dashboard's real-time channel: clients join their family's group and receive its events.</summary>
public sealed class FamilyHub : Hub
{
    /// <summary>Adds the caller to the family's group.</summary>
    /// <param name="familyId">The family.</param>
    /// <returns>A task.</returns>
    public Task JoinFamily(string familyId) => Groups.AddToGroupAsync(Context.ConnectionId, familyId);
}
