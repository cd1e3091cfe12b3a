namespace Choreblimey.Webhooks.MinimalApi;

/// <summary>The body of <c>POST /families/{familyId}/chores</c>.</summary>
internal sealed record CreateChoreRequest(string Title, string Frequency, int RewardStars, decimal RewardMoney, string? ActorId);
