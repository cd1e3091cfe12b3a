using Microsoft.AspNetCore.SignalR;

namespace Choreblimey.Webhooks.MinimalApi.Tests;

/// <summary>Records what the app sends through SignalR instead of sending it to connections.</summary>
/// <typeparam name="THub">The hub.</typeparam>
public sealed class RecordingHubLifetimeManager<THub> : HubLifetimeManager<THub>
    where THub : Hub
{
    private readonly Lock _gate = new();
    private readonly List<(string Group, string Method, object?[] Args)> _groupMessages = [];

    public IReadOnlyList<(string Group, string Method, object?[] Args)> GroupMessages
    {
        get
        {
            lock (_gate)
            {
                return [.. _groupMessages];
            }
        }
    }

    public override Task SendGroupAsync(string groupName, string methodName, object?[] args, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            _groupMessages.Add((groupName, methodName, args));
        }

        return Task.CompletedTask;
    }

    public override Task OnConnectedAsync(HubConnectionContext connection) => Task.CompletedTask;

    public override Task OnDisconnectedAsync(HubConnectionContext connection) => Task.CompletedTask;

    public override Task SendAllAsync(string methodName, object?[] args, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public override Task SendAllExceptAsync(string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public override Task SendConnectionAsync(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public override Task SendConnectionsAsync(IReadOnlyList<string> connectionIds, string methodName, object?[] args, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public override Task SendGroupsAsync(IReadOnlyList<string> groupNames, string methodName, object?[] args, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public override Task SendGroupExceptAsync(string groupName, string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public override Task SendUserAsync(string userId, string methodName, object?[] args, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public override Task SendUsersAsync(IReadOnlyList<string> userIds, string methodName, object?[] args, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public override Task AddToGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public override Task RemoveFromGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default) => Task.CompletedTask;
}
