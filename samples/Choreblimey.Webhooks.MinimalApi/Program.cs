using Choreblimey.Webhooks.MinimalApi;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddSignalR();
builder.Services.AddWebhooks(builder.Configuration.GetSection("Webhooks"))
    .AddChoreblimeyCatalog();

var app = builder.Build();
app.MapHub<FamilyHub>("/hubs/family");
app.MapChoreEndpoints();
app.Run();

/// <summary>The entry point, visible to WebApplicationFactory.</summary>
public partial class Program;
