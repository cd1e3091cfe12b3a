using Choreblimey.Webhooks.Catalogs.Jossiedb;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Jossiedb's 11 webhook events, each with its typed payload.</summary>
public static class JossiedbCatalog
{
    /// <summary>The host's name, used as the contract's title.</summary>
    public const string Title = "Jossiedb";

    /// <summary>Declares Jossiedb's 11 events.</summary>
    /// <param name="builder">The webhooks builder.</param>
    /// <returns>The builder.</returns>
    public static IWebhooksBuilder AddJossiedbCatalog(this IWebhooksBuilder builder) =>
        builder
            .AddEvent<ItemCreated>("item-created", "Inventory", "A new item was added.")
            .AddEvent<ItemUpdated>("item-updated", "Inventory", "An item was modified.")
            .AddEvent<ItemDeleted>("item-deleted", "Inventory", "An item was removed.")
            .AddEvent<LowStockAlert>("low-stock-alert", "Inventory", "An item's stock fell below its minimum quantity.")
            .AddEvent<TransferApprovalNeeded>("transfer-approval-needed", "Transfers", "A transfer was requested and awaits approval.")
            .AddEvent<TransferApproved>("transfer-approved", "Transfers", "A transfer was approved.")
            .AddEvent<TransferRejected>("transfer-rejected", "Transfers", "A transfer was rejected.")
            .AddEvent<ItemCheckedOut>("item-checkout", "Checkout", "An item was checked out.")
            .AddEvent<ItemCheckedIn>("item-checkin", "Checkout", "An item was checked back in.")
            .AddEvent<UserLoggedIn>("user-login", "Users", "A user logged in.")
            .AddEvent<UserLoggedOut>("user-logout", "Users", "A user logged out.");
}
