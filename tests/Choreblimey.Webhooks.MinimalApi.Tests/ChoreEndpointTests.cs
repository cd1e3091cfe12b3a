using System.Net;
using System.Net.Http.Json;
using Choreblimey.Webhooks.Catalogs.ChoreblimeyApp;
using Choreblimey.Webhooks.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Choreblimey.Webhooks.MinimalApi.Tests;

/// <summary>
/// Choreblimey's testing requirement: hit the endpoint, stub the webhook client (the harness's recording receiver), and
/// assert dispatch on the success path and on the failure (retry) path.
/// </summary>
public sealed class ChoreEndpointTests : IAsyncLifetime
{
    private const string Family = "family-1";
    private WebApplicationFactory<Program> _factory = null!;
    private HttpClient _client = null!;

    private IWebhookTestHarness Harness => _factory.Services.GetRequiredService<IWebhookTestHarness>();

    private RecordingHubLifetimeManager<FamilyHub> SignalR => (RecordingHubLifetimeManager<FamilyHub>)_factory.Services.GetRequiredService<HubLifetimeManager<FamilyHub>>();

    public Task InitializeAsync()
    {
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("Logging:LogLevel:Default", "Warning");
            web.ConfigureTestServices(services =>
            {
                services.AddWebhooksTestHarness();
                services.Replace(ServiceDescriptor.Singleton<HubLifetimeManager<FamilyHub>, RecordingHubLifetimeManager<FamilyHub>>());
            });
        });
        _client = _factory.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    private Task<HttpResponseMessage> CreateChoreAsync(string family = Family, string title = "Feed the cat") =>
        _client.PostAsJsonAsync($"/families/{family}/chores", new { title, frequency = "daily", rewardStars = 5, rewardMoney = 0.5m, actorId = "parent-1" });

    [Fact]
    public async Task Creating_a_chore_emits_SignalR_and_dispatches_the_webhook()
    {
        var subscription = await Harness.SubscribeAsync(Family, "chore:*");

        var response = await CreateChoreAsync();

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var chore = (await response.Content.ReadFromJsonAsync<ChoreCreated>())!;
        var emitted = Assert.Single(SignalR.GroupMessages);
        Assert.Equal((Family, "chore:created"), (emitted.Group, emitted.Method));
        var published = await Harness.PublishedAsync("chore:created", tenantId: Family);
        Assert.Equal("parent-1", published.Actor);
        Assert.Equal(chore, published.GetData<ChoreCreated>());
        var delivery = await Harness.DeliveredToAsync(subscription.Id, "chore:created");
        Assert.Single(delivery.Attempts);
        var request = Assert.Single(Harness.Receiver.Requests);
        AssertChoreblimeySignature(request, subscription.Secrets[0].Secret);
        Assert.Null(request.Header(WebhookHeaders.Signature));
        Assert.Equal(published.EventId, request.WebhookId);
    }

    [Fact]
    public async Task The_hosts_three_variables_set_up_its_endpoint_with_its_signature_header()
    {
        const string secret = "choreblimey-shared-secret-0123456789";
        await using var factory = _factory.WithWebHostBuilder(web =>
        {
            web.UseSetting(WebhookEnvironmentVariables.Enabled, "true");
            web.UseSetting(WebhookEnvironmentVariables.Url, "https://hooks.choreblimey.example/all");
            web.UseSetting(WebhookEnvironmentVariables.Secret, secret);
        });
        using var client = factory.CreateClient();
        var harness = factory.Services.GetRequiredService<IWebhookTestHarness>();

        var response = await client.PostAsJsonAsync($"/families/{Family}/chores", new { title = "Feed the cat", frequency = "daily", rewardStars = 5, rewardMoney = 0.5m });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        await harness.DeliveredToAsync("sub_cfg_env", "chore:created");
        var request = Assert.Single(harness.Receiver.Requests);
        Assert.Equal(new Uri("https://hooks.choreblimey.example/all"), request.Url);
        AssertChoreblimeySignature(request, WebhookSecret.Parse(secret));
    }

    [Fact]
    public async Task WEBHOOK_ENABLED_false_sends_nothing_and_breaks_nothing()
    {
        await using var factory = _factory.WithWebHostBuilder(web =>
        {
            web.UseSetting(WebhookEnvironmentVariables.Enabled, "false");
            web.UseSetting(WebhookEnvironmentVariables.Url, "https://hooks.choreblimey.example/all");
            web.UseSetting(WebhookEnvironmentVariables.Secret, "choreblimey-shared-secret-0123456789");
        });
        using var client = factory.CreateClient();
        var harness = factory.Services.GetRequiredService<IWebhookTestHarness>();

        var response = await client.PostAsJsonAsync($"/families/{Family}/chores", new { title = "Feed the cat", frequency = "daily", rewardStars = 5, rewardMoney = 0.5m });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        await harness.WaitForIdleAsync();
        Assert.Empty(harness.Published);
        Assert.Empty(harness.Receiver.Requests);
    }

    private static void AssertChoreblimeySignature(WebhookTestRequest request, WebhookSecret secret)
    {
        // Checked as a Choreblimey receiver would, from the header, not through the harness's own Verify.
        var signature = request.Header("X-Choreblimey-Signature");
        Assert.NotNull(signature);
        Assert.True(new WebhookVerifier().VerifyHex(request.Body.Span, signature, [secret], "sha256=").IsValid);
        Assert.Same(WebhookSignatureProfile.Choreblimey, request.SignatureProfile);
    }

    [Fact]
    public async Task The_Testing_README_example_runs_as_written()
    {
        // src/Choreblimey.Webhooks.Testing/README.md's first example, line for line, on this app. The app signs with the
        // choreblimey profile, so Verify(secret) must pick the profile from the request's signature header.
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
            builder.ConfigureTestServices(services => services.AddWebhooksTestHarness()));
        using var client = factory.CreateClient();         // starts the app, and with it the delivery worker

        var harness = factory.Services.GetRequiredService<IWebhookTestHarness>();
        var subscription = await harness.SubscribeAsync("family-1", "chore:*");
        harness.Receiver.RespondWith(500, 200);            // first attempt fails, the retry succeeds

        await client.PostAsJsonAsync("/families/family-1/chores", new { title = "Feed the cat" });

        var published = await harness.PublishedAsync("chore:created", tenantId: "family-1");
        await harness.AdvanceToNextDueAsync();             // the test clock jumps to the retry: no sleeping
        var delivery = await harness.DeliveredToAsync(subscription.Id);
        Assert.Equal(published.EventId, delivery.EventId);
        Assert.Equal(2, delivery.Attempts.Count);
        Assert.True(harness.Receiver.Requests[^1].Verify(subscription.Secrets[0].Secret).IsValid);
    }

    [Fact]
    public async Task A_failed_dispatch_is_retried_on_the_schedule_without_failing_the_request()
    {
        var subscription = await Harness.SubscribeAsync(Family, "chore:created");
        Harness.Receiver.RespondWith(500, 200);

        var response = await CreateChoreAsync();

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        await Harness.WaitForIdleAsync();
        var failed = Assert.Single(Harness.Deliveries);
        Assert.Equal(WebhookDeliveryStatus.Pending, failed.Status);
        Assert.Equal(500, Assert.Single(failed.Attempts).StatusCode);

        var retriedAt = await Harness.AdvanceToNextDueAsync();

        var delivered = await Harness.DeliveredToAsync(subscription.Id);
        Assert.Equal([500, 200], delivered.Attempts.Select(a => a.StatusCode ?? 0));
        Assert.Equal(retriedAt, delivered.Attempts[1].StartedAt);
        Assert.True(delivered.Attempts[1].StartedAt - delivered.Attempts[0].StartedAt >= TimeSpan.FromSeconds(4));
        Assert.Equal(2, Harness.Receiver.Requests.Count);
        Assert.Equal(Harness.Receiver.Requests[0].WebhookId, Harness.Receiver.Requests[1].WebhookId);
    }

    [Fact]
    public async Task A_receiver_that_keeps_failing_ends_in_a_dead_letter()
    {
        await using var factory = _factory.WithWebHostBuilder(web => web.ConfigureTestServices(services =>
            services.Configure<WebhookOptions>(o => o.Retry.UseSchedule(TimeSpan.Zero, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(10)))));
        using var client = factory.CreateClient();
        var harness = factory.Services.GetRequiredService<IWebhookTestHarness>();
        var subscription = await harness.SubscribeAsync(Family, "*");
        harness.Receiver.DefaultStatusCode = 503;

        await client.PostAsJsonAsync($"/families/{Family}/chores", new { title = "Feed the cat", frequency = "daily", rewardStars = 5, rewardMoney = 0.5m });
        await harness.AdvanceToNextDueAsync();
        await harness.AdvanceToNextDueAsync();

        var dead = await harness.DeadLetteredAsync(subscription.Id, "chore:created", attempts: 3);
        Assert.All(dead.Attempts, a => Assert.Equal(503, a.StatusCode));
        Assert.InRange(dead.Attempts[2].StartedAt - dead.Attempts[0].StartedAt, TimeSpan.FromMinutes(8), TimeSpan.FromMinutes(14));
    }

    [Fact]
    public async Task Only_the_familys_subscriptions_receive_its_chores()
    {
        var mine = await Harness.SubscribeAsync("family-1", "*");
        var theirs = await Harness.SubscribeAsync("family-2", "*");

        await CreateChoreAsync("family-1");

        await Harness.DeliveredToAsync(mine.Id);
        await Harness.WaitForIdleAsync();
        Assert.DoesNotContain(Harness.Deliveries, d => d.SubscriptionId == theirs.Id);
    }

    [Fact]
    public async Task An_invalid_request_emits_nothing_and_publishes_nothing()
    {
        var response = await CreateChoreAsync(title: " ");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(SignalR.GroupMessages);
        Assert.Empty(Harness.Published);
    }
}
