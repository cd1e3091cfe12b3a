using Choreblimey.Webhooks.Catalogs.ChoreblimeyApp;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Choreblimey's 24 webhook events, each with its typed payload.</summary>
public static class ChoreblimeyCatalog
{
    /// <summary>The host's name, used as the contract's title.</summary>
    public const string Title = "Choreblimey";

    /// <summary>Declares Choreblimey's 24 events.</summary>
    /// <param name="builder">The webhooks builder.</param>
    /// <returns>The builder.</returns>
    public static IWebhooksBuilder AddChoreblimeyCatalog(this IWebhooksBuilder builder) =>
        builder
            .AddEvent<ChoreCreated>("chore:created", "Chores", "A parent created a chore.")
            .AddEvent<ChoreUpdated>("chore:updated", "Chores", "A chore changed: its active state was toggled or its rewards edited.")
            .AddEvent<AssignmentCreated>("assignment:created", "Assignments", "A chore was assigned to a child.")
            .AddEvent<AssignmentLinked>("assignment:linked", "Assignments", "Assignments were linked together.")
            .AddEvent<CompletionCreated>("completion:created", "Completions", "A child submitted a completion; it is pending approval.")
            .AddEvent<CompletionApproved>("completion:approved", "Completions", "A parent approved a completion; the reward was paid into the child's wallet.")
            .AddEvent<CompletionRejected>("completion:rejected", "Completions", "A parent rejected a completion.")
            .AddEvent<StarPurchaseRequested>("stars:purchase-requested", "Star Purchases", "A child asked to buy stars with money.")
            .AddEvent<StarPurchaseApproved>("stars:purchase-approved", "Star Purchases", "A parent approved a star purchase.")
            .AddEvent<StarPurchaseRejected>("stars:purchase-rejected", "Star Purchases", "A parent rejected a star purchase.")
            .AddEvent<FamilyGiftCreated>("family-gift:created", "Rewards", "A family reward was added to the catalog.")
            .AddEvent<FamilyGiftUpdated>("family-gift:updated", "Rewards", "A family reward changed (active flag, inventory, cost).")
            .AddEvent<FamilyGiftDeleted>("family-gift:deleted", "Rewards", "A family reward was deleted.")
            .AddEvent<RewardRequested>("reward:requested", "Rewards", "A child redeemed a reward.")
            .AddEvent<RewardFulfilled>("reward:fulfilled", "Rewards", "A redeemed reward was fulfilled.")
            .AddEvent<RewardRejected>("reward:rejected", "Rewards", "A redeemed reward was rejected; its stars were refunded.")
            .AddEvent<PayoutCreated>("payout:created", "Payouts", "A payout of pocket money was recorded.")
            .AddEvent<FamilySettingsUpdated>("family:settings-updated", "Family", "Family settings changed (holiday mode, budgets).")
            .AddEvent<FamilyInviteCreated>("family:invite-created", "Family", "An adult or child was invited to the family.")
            .AddEvent<FamilyMemberJoined>("family:member-joined", "Family", "A member joined the family (accepted an invite or joined as a child).")
            .AddEvent<ChatMessageSent>("chat:message", "Chat", "A family chat message was sent (identifiers only, never the text).")
            .AddEvent<StreakSettingsUpdated>("streaks:settings-updated", "Streaks", "Streak settings changed.")
            .AddEvent<GiftTemplateCreated>("gift-template:created", "Gifts", "A gift template for a provider (Amazon) was created.")
            .AddEvent<AffiliateConfigUpdated>("affiliate:config-updated", "Affiliate", "The affiliate configuration changed.");
}
