using Choreblimey.Webhooks.Catalogs.WhatsCrm;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>WhatsCRM's 22 webhook events, each with its typed payload.</summary>
public static class WhatsCrmCatalog
{
    /// <summary>The host's name, used as the contract's title.</summary>
    public const string Title = "WhatsCRM";

    /// <summary>Declares WhatsCRM's 22 events.</summary>
    /// <param name="builder">The webhooks builder.</param>
    /// <returns>The builder.</returns>
    public static IWebhooksBuilder AddWhatsCrmCatalog(this IWebhooksBuilder builder) =>
        builder
            .AddEvent<MessageReceived>("message.new", "Messages", "An incoming message arrived.")
            .AddEvent<MessageSent>("message.sent", "Messages", "A message was sent.")
            .AddEvent<MessageDelivered>("message.delivered", "Messages", "A message was delivered.")
            .AddEvent<MessageRead>("message.read", "Messages", "A message was read.")
            .AddEvent<MessageFailed>("message.failed", "Messages", "A message could not be sent.")
            .AddEvent<ConversationCreated>("conversation.created", "Conversations", "A conversation started.")
            .AddEvent<ConversationUpdated>("conversation.updated", "Conversations", "A conversation changed.")
            .AddEvent<ConversationAssigned>("conversation.assigned", "Conversations", "A conversation was assigned to an agent.")
            .AddEvent<ConversationResolved>("conversation.resolved", "Conversations", "A conversation was marked resolved.")
            .AddEvent<ConversationClosed>("conversation.closed", "Conversations", "A conversation was closed.")
            .AddEvent<ContactCreated>("contact.created", "Contacts", "A contact was created.")
            .AddEvent<ContactUpdated>("contact.updated", "Contacts", "A contact changed.")
            .AddEvent<CampaignStarted>("campaign.started", "Campaigns", "A campaign began.")
            .AddEvent<CampaignCompleted>("campaign.completed", "Campaigns", "A campaign finished.")
            .AddEvent<CampaignFailed>("campaign.failed", "Campaigns", "A campaign failed.")
            .AddEvent<FlowStarted>("flow.started", "Flows", "A flow execution began.")
            .AddEvent<FlowCompleted>("flow.completed", "Flows", "A flow execution finished.")
            .AddEvent<FlowFailed>("flow.failed", "Flows", "A flow execution failed.")
            .AddEvent<AutomationTriggered>("automation.triggered", "Automations", "An automation ran.")
            .AddEvent<AutomationCompleted>("automation.completed", "Automations", "An automation finished.")
            .AddEvent<TemplateApproved>("template.approved", "Templates", "Meta approved a message template.")
            .AddEvent<TemplateRejected>("template.rejected", "Templates", "Meta rejected a message template.");
}
