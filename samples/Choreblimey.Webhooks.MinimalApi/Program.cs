using Choreblimey.Webhooks;
using Choreblimey.Webhooks.MinimalApi;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddSignalR();

// Choreblimey's own three variables: WEBHOOK_ENABLED, WEBHOOK_URL and WEBHOOK_SECRET (unset: no endpoint, nothing sent).
// Its receivers check X-Choreblimey-Signature, so every subscription created without a profile uses that header.
builder.Services.AddWebhooks(builder.Configuration.GetSection("Webhooks"))
    .Configure(o => o.DefaultSignatureProfile = WebhookSignatureProfile.ChoreblimeyName)
    .AddEnvironmentConventions(builder.Configuration)
    .AddChoreblimeyCatalog();

var app = builder.Build();
app.MapHub<FamilyHub>("/hubs/family");
app.MapChoreEndpoints();
app.Run();

/// <summary>The entry point, visible to WebApplicationFactory.</summary>
public partial class Program;
