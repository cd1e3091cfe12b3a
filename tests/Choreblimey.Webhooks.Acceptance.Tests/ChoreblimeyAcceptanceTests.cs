using System.Net;
using Choreblimey.Webhooks.Catalogs.ChoreblimeyApp;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using static Choreblimey.Webhooks.Acceptance.Tests.HostData;

namespace Choreblimey.Webhooks.Acceptance.Tests;

/// <summary>Choreblimey (chores): each requirement of its host description, met through the public API.</summary>
public sealed class ChoreblimeyAcceptanceTests
{
    private const string Family = "family-1";

    private static Task<AcceptanceHost> StartAsync(Action<WebhookOptions>? options = null, IDictionary<string, string?>? configuration = null) =>
        AcceptanceHost.StartAsync(b => b.AddChoreblimeyCatalog(), options, configuration: configuration);

    private static ChoreCreated Chore(string id = "chore-1") => new(id, "Feed the cat", "daily", 5, 0.50m, "GBP", true);

    [Fact(DisplayName = ChoreblimeyR1)]
    public async Task One_call_per_emit_with_the_same_event_name()
    {
        await using var host = await StartAsync();
        var subscription = await host.Harness.SubscribeAsync(Family, "*");

        // Typed: the event name comes from the payload type, so it cannot drift from the WebSocket event name.
        await host.Publisher.PublishAsync(Chore(), tenantId: Family, actor: "parent-1");
        foreach (var (name, _) in ChoreblimeyEvents.Skip(1))
        {
            await host.Publisher.PublishAsync(name, host.ExamplePayload(name), tenantId: Family, actor: "parent-1");
        }

        Assert.Equal(ChoreblimeyEvents.Select(e => e.Name), host.Harness.Published.Select(e => e.EventType));
        foreach (var (name, _) in ChoreblimeyEvents)
        {
            await host.Harness.DeliveredToAsync(subscription.Id, name);
        }
    }

    [Fact(DisplayName = ChoreblimeyR2)]
    public async Task Retries_happen_in_the_worker_not_in_the_request()
    {
        await using var host = await StartAsync();
        var subscription = await host.Harness.SubscribeAsync(Family, "chore:*");
        var release = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Harness.Receiver.RespondWith(async (request, _) =>
            new HttpResponseMessage((HttpStatusCode)(request.AttemptNumber == 1 ? await release.Task : 200)));

        // The request path returns while the receiver has not answered at all.
        var receipt = await host.Publisher.PublishAsync(Chore(), tenantId: Family).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(WebhookPublishStatus.Published, receipt.Status);
        Assert.Equal(1, receipt.DeliveryCount);

        release.SetResult(500);
        var retryAt = await host.Harness.AdvanceToNextDueAsync();
        var delivery = await host.Harness.DeliveredToAsync(subscription.Id);
        Assert.Equal([500, 200], delivery.Attempts.Select(a => a.StatusCode ?? 0));
        Assert.Equal(TimeSpan.FromSeconds(5), delivery.Attempts[1].StartedAt - delivery.Attempts[0].StartedAt);
        Assert.Equal(retryAt, delivery.Attempts[1].StartedAt);
    }

    [Fact(DisplayName = ChoreblimeyR3)]
    public async Task Every_event_is_scoped_to_its_family()
    {
        await using var host = await StartAsync();
        var mine = await host.Harness.SubscribeAsync("family-1", "*");
        var theirs = await host.Harness.SubscribeAsync("family-2", "*");

        await host.Publisher.PublishAsync(Chore(), tenantId: "family-1");

        var delivered = await host.Harness.DeliveredToAsync(mine.Id);
        Assert.Equal("family-1", delivered.TenantId);
        await host.Harness.WaitForIdleAsync();
        Assert.DoesNotContain(host.Harness.Deliveries, d => d.SubscriptionId == theirs.Id);
        Assert.All(host.Harness.Receiver.Requests, r => Assert.Contains("\"tenant\":\"family-1\"", r.BodyText, StringComparison.Ordinal));
    }

    [Fact(DisplayName = ChoreblimeyR4 + " (Webhooks:Enabled=false)")]
    public async Task Disabled_sends_nothing_and_breaks_nothing()
    {
        await using var host = await StartAsync(configuration: new Dictionary<string, string?> { ["Webhooks:Enabled"] = "false" });
        await host.Harness.SubscribeAsync(Family, "*");

        var receipt = await host.Publisher.PublishAsync(Chore(), tenantId: Family);
        var undeclared = await host.Publisher.PublishAsync("chore:exploded", new { }, tenantId: Family);

        Assert.Equal(WebhookPublishStatus.Disabled, receipt.Status);
        Assert.Equal(WebhookPublishStatus.Disabled, undeclared.Status);
        Assert.Empty(host.Harness.Published);
        Assert.Empty(host.Harness.Receiver.Requests);
    }

    [Fact(DisplayName = ChoreblimeyR4 + " (the WEBHOOK_ENABLED variable itself)")]
    public async Task The_WEBHOOK_ENABLED_variable_turns_webhooks_off()
    {
        // Real process environment variables, under a prefix unique to this test so parallel tests do not see them.
        var prefix = $"CHOREBLIMEY_ACCEPTANCE_{Guid.NewGuid():N}_";
        Environment.SetEnvironmentVariable(prefix + WebhookEnvironmentVariables.Enabled, "false");
        Environment.SetEnvironmentVariable(prefix + WebhookEnvironmentVariables.Url, "https://hooks.choreblimey.example/all");
        Environment.SetEnvironmentVariable(prefix + WebhookEnvironmentVariables.Secret, "choreblimey-shared-secret-0123456789");
        try
        {
            await using var host = await AcceptanceHost.StartAsync(
                b => b.AddChoreblimeyCatalog(),
                routing: (b, configuration) => b.AddEnvironmentConventions(configuration),
                configurationSources: c => c.AddEnvironmentVariables(prefix));

            var receipt = await host.Publisher.PublishAsync(Chore(), tenantId: Family);
            var undeclared = await host.Publisher.PublishAsync("chore:exploded", new { }, tenantId: Family);

            Assert.Equal(WebhookPublishStatus.Disabled, receipt.Status);
            Assert.Equal(WebhookPublishStatus.Disabled, undeclared.Status);
            Assert.Empty(host.Harness.Published);
            Assert.Empty(host.Harness.Receiver.Requests);
        }
        finally
        {
            Environment.SetEnvironmentVariable(prefix + WebhookEnvironmentVariables.Enabled, null);
            Environment.SetEnvironmentVariable(prefix + WebhookEnvironmentVariables.Url, null);
            Environment.SetEnvironmentVariable(prefix + WebhookEnvironmentVariables.Secret, null);
        }
    }

    [Fact(DisplayName = ChoreblimeyR4 + " (WEBHOOK_ENABLED=true with WEBHOOK_URL: one endpoint receives every family's events)")]
    public async Task One_WEBHOOK_URL_receives_every_familys_events()
    {
        await using var host = await AcceptanceHost.StartAsync(
            b => b.AddChoreblimeyCatalog(),
            configuration: EnvironmentFor(enabled: "true"),
            routing: (b, configuration) => b.AddEnvironmentConventions(configuration));

        await host.Publisher.PublishAsync(Chore("chore-1"), tenantId: "family-1");
        await host.Publisher.PublishAsync(Chore("chore-2"), tenantId: "family-2");
        await host.Publisher.PublishAsync(Chore("chore-3"), tenantId: "family-3");

        await JossiedbAcceptanceTests.Eventually(() => host.Harness.Deliveries.Count(d => d.Status == WebhookDeliveryStatus.Succeeded) == 3);
        Assert.All(host.Harness.Deliveries, d => Assert.Equal("sub_cfg_env", d.SubscriptionId));
        Assert.Equal(["family-1", "family-2", "family-3"], host.Harness.Deliveries.Select(d => d.TenantId).Order());
        Assert.All(host.Harness.Receiver.Requests, r => Assert.Equal(new Uri("https://hooks.choreblimey.example/all"), r.Url));
        Assert.Equal(["family-1", "family-2", "family-3"], host.Harness.Receiver.Requests.Select(r => System.Text.Json.JsonDocument.Parse(r.Body).RootElement.GetProperty("tenant").GetString()).Order());
    }

    private static Dictionary<string, string?> EnvironmentFor(string enabled) => new()
    {
        [WebhookEnvironmentVariables.Enabled] = enabled,
        [WebhookEnvironmentVariables.Url] = "https://hooks.choreblimey.example/all",
        [WebhookEnvironmentVariables.Secret] = ChoreblimeySecret,
        [WebhookEnvironmentVariables.SignatureProfile] = WebhookSignatureProfile.ChoreblimeyName,
    };

    private const string ChoreblimeySecret = "choreblimey-shared-secret-0123456789";

    [Fact(DisplayName = ChoreblimeyR5)]
    public void Payloads_carry_identifiers_not_PII()
    {
        PiiCheck.AssertCatalogCarriesIdentifiersNotPii("choreblimey");
        var registry = Catalogs.Registry("choreblimey", out _);
        Assert.All(registry, e => Assert.Contains(e.PayloadType!.GetProperties(), p => p.Name.EndsWith("Id", StringComparison.Ordinal) || p.Name.EndsWith("Ids", StringComparison.Ordinal) || e.Name.Contains("settings", StringComparison.Ordinal) || e.Name.StartsWith("affiliate", StringComparison.Ordinal)));
    }

    [Fact(DisplayName = ChoreblimeyR6)]
    public async Task Dispatch_is_asserted_on_success_and_on_failure_then_retry()
    {
        await using var host = await StartAsync();
        var subscription = await host.Harness.SubscribeAsync(Family, "completion:approved", "chore:created");
        var approved = new CompletionApproved("completion-1", "assignment-1", "chore-1", "child-1", 5, 0.50m, "GBP", new WalletDelta(5, 0.50m, 40, 12.50m), DateTimeOffset.UnixEpoch);

        await host.Publisher.PublishAsync(approved, tenantId: Family, actor: "parent-1");
        var success = await host.Harness.DeliveredToAsync(subscription.Id, "completion:approved");
        Assert.Single(success.Attempts);
        Assert.Equal(approved, (await host.Harness.PublishedAsync("completion:approved", Family)).GetData<CompletionApproved>());

        host.Harness.Receiver.RespondWith(500);
        await host.Publisher.PublishAsync(Chore(), tenantId: Family);
        await host.Harness.AdvanceToNextDueAsync();
        var retried = await host.Harness.DeliveredToAsync(subscription.Id, "chore:created");
        Assert.Equal([500, 200], retried.Attempts.Select(a => a.StatusCode ?? 0));
    }

    [Fact(DisplayName = ChoreblimeyR7)]
    public void A_contract_lists_every_event_with_its_payload_schema()
    {
        Catalogs.Registry("choreblimey", out var exporter);
        var contract = exporter.Export(ChoreblimeyCatalog.Title);

        Assert.Equal(ChoreblimeyEvents.Select(e => e.Name), contract.Events.Select(e => e.Name));
        var approved = contract.Events.Single(e => e.Name == "completion:approved").PayloadSchema.GetProperty("properties");
        Assert.True(approved.TryGetProperty("rewardStars", out _));
        Assert.True(approved.GetProperty("wallet").GetProperty("properties").TryGetProperty("moneyDelta", out _));
    }

    [Theory(DisplayName = "signature header X-Choreblimey-Signature")]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Deliveries_carry_the_X_Choreblimey_Signature_header(bool profileInEnvironment)
    {
        // The host's own three variables, with the profile chosen either by a fourth variable or once in code.
        var environment = EnvironmentFor(enabled: "true");
        if (!profileInEnvironment)
        {
            environment.Remove(WebhookEnvironmentVariables.SignatureProfile);
        }

        await using var host = await AcceptanceHost.StartAsync(
            b => b.AddChoreblimeyCatalog(),
            options: profileInEnvironment ? null : o => o.DefaultSignatureProfile = WebhookSignatureProfile.ChoreblimeyName,
            configuration: environment,
            routing: (b, configuration) => b.AddEnvironmentConventions(configuration));

        await host.Publisher.PublishAsync(Chore(), tenantId: Family);
        await host.Harness.DeliveredToAsync("sub_cfg_env");

        var request = Assert.Single(host.Harness.Receiver.Requests);
        var signature = request.Header("X-Choreblimey-Signature");
        var expected = "sha256=" + Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(System.Text.Encoding.UTF8.GetBytes(ChoreblimeySecret), request.Body.Span));
        Assert.Equal(expected, signature!.ToLowerInvariant());
        Assert.True(new WebhookVerifier().VerifyHex(request.Body.Span, signature, [WebhookSecret.Parse(ChoreblimeySecret)], "sha256=").IsValid);
        Assert.False(new WebhookVerifier().VerifyHex(request.Body.Span, signature, [WebhookSecret.Generate()], "sha256=").IsValid);
        Assert.Null(request.Header(WebhookHeaders.Signature));
    }
}
