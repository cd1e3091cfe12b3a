using Choreblimey.Webhooks.Testing.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Choreblimey.Webhooks.Tests.Subscriptions;

public sealed class DefaultSignatureProfileTests
{
    private const string Family = "family-default-profile";

    [Fact]
    public async Task A_subscription_created_without_a_profile_gets_the_hosts_default_and_its_receiver_that_header()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        await using var host = await WebhookTestHost.StartAsync(w => w
            .AddEvent("chore:created", "Chores")
            .Configure(o => o.DefaultSignatureProfile = WebhookSignatureProfile.ChoreblimeyName));

        var defaulted = await host.Subscriptions.CreateAsync(Family, new WebhookSubscriptionRequest { Url = receiver.Url("/default").ToString(), EventTypes = ["chore:*"] });
        var chosen = await host.Subscriptions.CreateAsync(Family, new WebhookSubscriptionRequest
        {
            Url = receiver.Url("/standard").ToString(),
            EventTypes = ["chore:*"],
            SignatureProfile = WebhookSignatureProfile.StandardName,
        });
        await host.Publisher.PublishAsync("chore:created", new { Id = 1 }, tenantId: Family);
        await receiver.WaitUntilAsync(r => r.Count == 2);

        Assert.Equal(WebhookSignatureProfile.ChoreblimeyName, defaulted.SignatureProfile);
        Assert.Equal(WebhookSignatureProfile.StandardName, chosen.SignatureProfile);
        var toDefault = Assert.Single(receiver.Received, r => r.Path == "/default");
        Assert.StartsWith("sha256=", toDefault.Headers["x-choreblimey-signature"], StringComparison.Ordinal);
        Assert.False(toDefault.Headers.ContainsKey("webhook-signature"));
        var toStandard = Assert.Single(receiver.Received, r => r.Path == "/standard");
        Assert.StartsWith("v1,", toStandard.Headers["webhook-signature"], StringComparison.Ordinal);
        Assert.False(toStandard.Headers.ContainsKey("x-choreblimey-signature"));
    }

    [Fact]
    public async Task An_update_that_clears_the_profile_gives_the_hosts_default_not_standard_webhooks()
    {
        await using var services = RoutingServices.Create(w => w.Configure(o => o.DefaultSignatureProfile = WebhookSignatureProfile.ChoreblimeyName));
        var manager = services.GetRequiredService<IWebhookSubscriptionManager>();
        var subscription = await manager.CreateAsync(Family, RoutingServices.Request("chore:*") with { SignatureProfile = "github" });

        var kept = await manager.UpdateAsync(Family, subscription.Id, new WebhookSubscriptionUpdate { Description = "kept" });
        var cleared = await manager.UpdateAsync(Family, subscription.Id, new WebhookSubscriptionUpdate { SignatureProfile = "" });

        Assert.Equal("github", kept!.SignatureProfile);
        Assert.Equal(WebhookSignatureProfile.ChoreblimeyName, cleared!.SignatureProfile);
        Assert.Equal(WebhookSignatureProfile.ChoreblimeyName, (await manager.GetAsync(Family, subscription.Id))!.SignatureProfile);
    }

    [Fact]
    public async Task A_profile_name_in_another_case_is_stored_as_registered()
    {
        await using var services = RoutingServices.Create(w => w.Configure(o => o.DefaultSignatureProfile = "Choreblimey"));
        var manager = services.GetRequiredService<IWebhookSubscriptionManager>();

        var named = await manager.CreateAsync(Family, RoutingServices.Request("chore:*") with { SignatureProfile = "GitHub" });
        var defaulted = await manager.CreateAsync(Family, RoutingServices.Request("chore:*"));
        var updated = await manager.UpdateAsync(Family, defaulted.Id, new WebhookSubscriptionUpdate { SignatureProfile = "JOSSIEDB" });

        Assert.Equal("github", named.SignatureProfile);
        Assert.Equal("choreblimey", defaulted.SignatureProfile);
        Assert.Equal("jossiedb", updated!.SignatureProfile);
    }

    [Fact]
    public async Task An_unknown_default_profile_fails_the_start_naming_the_option_and_the_known_profiles()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddWebhooks(o => o.DefaultSignatureProfile = "choreblimy");
        using var host = builder.Build();

        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("WebhookOptions.DefaultSignatureProfile 'choreblimy' is not a signature profile", exception.Message, StringComparison.Ordinal);
        Assert.Contains(WebhookSignatureProfile.ChoreblimeyName, exception.Message, StringComparison.Ordinal);
    }
}
