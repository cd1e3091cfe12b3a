using System.Globalization;
using Choreblimey.Webhooks.Catalogs.ChoreblimeyApp;
using Microsoft.AspNetCore.SignalR;

namespace Choreblimey.Webhooks.MinimalApi;

/// <summary>The chores endpoints: one webhook publish next to each SignalR emit, with the same event name.</summary>
internal static class ChoreEndpoints
{
    public static IEndpointRouteBuilder MapChoreEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/families/{familyId}/chores", CreateChoreAsync);
        return app;
    }

    private static async Task<IResult> CreateChoreAsync(
        string familyId,
        CreateChoreRequest request,
        IHubContext<FamilyHub> hub,
        IWebhookPublisher webhooks,
        TimeProvider clock,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Title))
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["title"] = ["A chore needs a title."] });
        }

        var chore = new ChoreCreated(
            "chore_" + clock.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture) + "_" + Guid.NewGuid().ToString("N")[..8],
            request.Title,
            request.Frequency,
            request.RewardStars,
            request.RewardMoney,
            "GBP",
            IsActive: true);

        // (Saving the chore would happen here.)
        await hub.Clients.Group(familyId).SendAsync("chore:created", chore, cancellationToken);
        await webhooks.PublishAsync(chore, tenantId: familyId, actor: request.ActorId, cancellationToken: cancellationToken);
        return Results.Created($"/families/{familyId}/chores/{chore.ChoreId}", chore);
    }
}
