using Microsoft.Extensions.DependencyInjection;

namespace Choreblimey.Webhooks.Sample;

/// <summary>Choreblimey's 24 parent-facing events, named exactly as its WebSocket events.</summary>
internal static class ChoreblimeyEvents
{
    public static readonly (string Name, string Category, string Description)[] All =
    [
        ("chore:created", "Chores", "A chore was created (chore id, title, frequency, actor)."),
        ("chore:updated", "Chores", "A chore was changed: active state toggled or rewards edited."),
        ("assignment:created", "Assignments", "A chore was assigned (assignment id, chore id, target child, bidding flag)."),
        ("assignment:linked", "Assignments", "Assignments were linked together."),
        ("completion:created", "Completions", "A child submitted a completion pending approval."),
        ("completion:approved", "Completions", "A completion was approved (reward amounts, wallet deltas)."),
        ("completion:rejected", "Completions", "A completion was rejected (reason)."),
        ("stars:purchase-requested", "Star Purchases", "A child asked to buy stars."),
        ("stars:purchase-approved", "Star Purchases", "A star purchase was approved (conversion, actor)."),
        ("stars:purchase-rejected", "Star Purchases", "A star purchase was rejected (reason)."),
        ("family-gift:created", "Rewards", "A family reward was created."),
        ("family-gift:updated", "Rewards", "A family reward changed (active flag, inventory)."),
        ("family-gift:deleted", "Rewards", "A family reward was deleted."),
        ("reward:requested", "Rewards", "A reward was redeemed (child, cost, fulfilment status)."),
        ("reward:fulfilled", "Rewards", "A reward was fulfilled."),
        ("reward:rejected", "Rewards", "A reward was rejected (reason)."),
        ("payout:created", "Payouts", "A payout was created."),
        ("family:settings-updated", "Family", "Family settings changed (holiday mode, budgets)."),
        ("family:invite-created", "Family", "An adult or child was invited."),
        ("family:member-joined", "Family", "A member joined the family."),
        ("chat:message", "Chat", "A chat message was sent (ids only)."),
        ("streaks:settings-updated", "Streaks", "Streak settings changed."),
        ("gift-template:created", "Gifts", "A gift template was created."),
        ("affiliate:config-updated", "Affiliate", "The affiliate configuration changed."),
    ];

    public static IWebhooksBuilder AddChoreblimeyEvents(this IWebhooksBuilder builder)
    {
        foreach (var (name, category, description) in All)
        {
            builder.AddEvent(name, category, description);
        }

        return builder;
    }
}
