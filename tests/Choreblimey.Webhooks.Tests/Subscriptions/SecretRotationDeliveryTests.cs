using Choreblimey.Webhooks.Testing;
using Choreblimey.Webhooks.Testing.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Choreblimey.Webhooks.Tests.Subscriptions;

/// <summary>Secret rotation across its window, on a fake clock, observed on a real receiver.</summary>
public sealed class SecretRotationDeliveryTests : IAsyncLifetime
{
    private const string Tenant = "family-1";
    private readonly WebhookTestClock _clock = new(DateTimeOffset.UtcNow);
    private LoopbackReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await LoopbackReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public async Task Both_secrets_sign_during_the_window_and_only_the_new_one_after_it()
    {
        await using var host = await WebhookTestHost.StartAsync(
            webhooks => webhooks.AddEvent("chore:created", "Chores"),
            services => services.AddSingleton<TimeProvider>(_clock));
        var oldSecret = WebhookSecret.Generate();
        var newSecret = WebhookSecret.Generate();
        var subscription = await host.Subscriptions.CreateAsync(Tenant, new WebhookSubscriptionRequest
        {
            Url = _receiver.Url().ToString(),
            EventTypes = ["chore:*"],
            Secret = oldSecret.Reveal(),
        });

        var rotated = await host.Subscriptions.RotateSecretAsync(Tenant, subscription.Id, newSecret.Reveal());
        Assert.Equal(2, rotated!.Secrets.Count);

        var duringReceipt = await host.Publisher.PublishAsync("chore:created", new { ChoreId = "during" }, tenantId: Tenant);
        await _receiver.WaitForCountAsync(1);
        // Settle before jumping the clock a day: an unrecorded attempt's lease would lapse and it would be sent again.
        await host.WaitForDeliveryStatusAsync(Tenant, duringReceipt.EventId!, WebhookDeliveryStatus.Succeeded);
        var during = _receiver.Received.Single();
        Assert.Equal(2, during.Header("webhook-signature")!.Split(' ').Length);
        var verifier = new WebhookVerifier(timeProvider: _clock);
        Assert.True(Verify(verifier, during, oldSecret).IsValid);
        Assert.True(Verify(verifier, during, newSecret).IsValid);

        _clock.Advance(TimeSpan.FromHours(24) + TimeSpan.FromSeconds(1));
        await host.Publisher.PublishAsync("chore:created", new { ChoreId = "after" }, tenantId: Tenant);
        await _receiver.WaitForCountAsync(2);
        var after = _receiver.Received.Single(r => r.BodyText.Contains("after", StringComparison.Ordinal));
        Assert.Single(after.Header("webhook-signature")!.Split(' '));
        Assert.True(Verify(verifier, after, newSecret).IsValid);
        var withOld = Verify(verifier, after, oldSecret);
        Assert.False(withOld.IsValid);
        Assert.Equal(WebhookVerificationFailure.NoMatchingSignature, withOld.Failure);

        // The expired secret is pruned on the next change.
        var pruned = await host.Subscriptions.UpdateAsync(Tenant, subscription.Id, new WebhookSubscriptionUpdate { Description = "pruned" });
        Assert.Equal([newSecret], pruned!.Secrets.Select(s => s.Secret));
    }

    private static WebhookVerificationResult Verify(WebhookVerifier verifier, ReceivedWebhook request, WebhookSecret secret) =>
        verifier.Verify(request.Body, request.Header("webhook-id"), request.Header("webhook-timestamp"), request.Header("webhook-signature"), secret);
}
